#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora: the real payloads and intent files of the repository, and
hostile inputs (invalid UTF-8, deep nesting, huge numbers, duplicate keys, bidi and zero-width
characters, YAML anchors and alias bombs, oversized fields).

    Fuzz/make-seeds.py OUT-DIR      one folder per fuzz target below OUT-DIR
"""
import base64
import hashlib
import hmac
import os
import pathlib
import sys
import urllib.parse

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
fixtures = root / "Tests" / "MessengersTests" / "Fixtures"


def write(target, name, data):
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


json_hostile = {
    "deep-array": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "huge-number": '{"update_id": 1' + "9" * 5000 + ', "message": {"message_id": 1e999999}}',
    "negative-zero": '{"update_id": -0.0, "message_token": -1e308}',
    "duplicate-keys": '{"object":"page","object":"whatsapp_business_account","entry":[],"entry":[{"id":"1"}]}',
    "invalid-utf8": b'{"text": "\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc"}',
    "lone-surrogate": '{"text": "\\ud800\\udbff\\udc00x"}',
    "nul-bytes": b'{"text": "a\x00b"}\x00\x00',
    "bidi": '{"message":{"text":"\u202e\u2066abc\u2069\u200f\u061c\u200b\u200c\u200d\ufeff"}}',
    "long-string": '{"message":{"text":"' + "ا" * 200_000 + '"}}',
    "empty": "",
    "not-json": "<html><body>502 Bad Gateway</body></html>",
    "wrong-types": '{"update_id":"x","message":{"chat":{"id":[1,2]},"from":null,"text":{"a":1}}}',
}

decoders = {
    "telegram-decoder": "telegram_",
    "whatsapp-decoder": "whatsapp_",
    "messenger-decoder": "messenger_",
    "viber-decoder": "viber_",
}
for target, prefix in decoders.items():
    for fixture in sorted(fixtures.glob(prefix + "*.json")):
        write(target, fixture.name, fixture.read_bytes())
    for name, data in json_hostile.items():
        write(target, "hostile-" + name, data)

twilio = fixtures / "twilio_inbound_sms.form"
write("twilio-decoder", twilio.name, twilio.read_bytes())
for name, data in {
    "percent-garbage": "Body=%ZZ%%%25%E0%A4%A&From=%2B49&&&==&MessageSid=",
    "duplicate-fields": "MessageSid=SM1&MessageSid=SM2&Body=a&Body=b&From=1&From=2",
    "invalid-utf8": b"Body=\xff\xfe&From=%FF%FE&MessageSid=SM\xc3\x28",
    "long": "Body=" + "%D8%A7" * 50_000 + "&MessageSid=SM1&From=%2B491",
    "empty": "",
}.items():
    write("twilio-decoder", "hostile-" + name, data)

# Signature verifiers: the first line is the header, the rest the body (for Twilio a line with
# the URL's query comes between). Each gets one correctly signed input, so that the fuzzer
# explores the accepting path too, and hostile ones.
hostile_headers = {
    "empty": "",
    "huge-header": "f" * 100_000,
    "invalid-utf8": b"\xff\xfe",
    "bidi": "\u202e\u2066sha256=00\u2069\u200b",
}
for name, header in hostile_headers.items():
    header = header if isinstance(header, bytes) else header.encode("utf-8")
    for target in ("telegram-secret", "meta-signature", "viber-signature"):
        write(target, "hostile-" + name, header + b"\n{}")
    write("twilio-signature", "hostile-" + name, header + b"\n\nBody=a")
write("telegram-secret", "seed-valid", "fuzz-secret-token")
write("telegram-secret", "seed-almost", "fuzz-secret-tokeN")
body = b'{"object":"whatsapp_business_account","entry":[]}'
meta = hmac.new(b"fuzz-app-secret", body, hashlib.sha256).hexdigest()
write("meta-signature", "seed-valid", b"sha256=" + meta.encode() + b"\n" + body)
write("meta-signature", "seed-uppercase", b"SHA256=" + meta.upper().encode() + b"\n" + body)
write("meta-signature", "seed-short", "sha256=\n{}")
body = b'{"event":"message","message_token":1}'
viber = hmac.new(b"fuzz-auth-token", body, hashlib.sha256).hexdigest()
write("viber-signature", "seed-valid", viber.encode() + b"\n" + body)
write("viber-signature", "seed-odd-length", viber[:63] + "\n{}")
fields = {"Body": "hello", "From": "+4917612345678", "MessageSid": "SM1"}
text = "https://bot.example.org/webhooks/sms" + "".join(k + v for k, v in sorted(fields.items()))
twilio = base64.b64encode(hmac.new(b"fuzz-auth-token", text.encode(), hashlib.sha1).digest()).decode()
form = "&".join(k + "=" + urllib.parse.quote(v) for k, v in fields.items())
write("twilio-signature", "seed-valid", twilio + "\n\n" + form)
digest = hashlib.sha256(b'{"Body":"hi"}').hexdigest()
write("twilio-signature", "seed-json", "AAAA==\nbodySHA256=" + digest + '\n{"Body":"hi"}')
write("twilio-signature", "seed-duplicate-fields", "AAAA==\n\nBody=a&Body=b&From=1")

# Intent files: the first byte says which kind (0: a language file, 1: the facts file).
for path in sorted((root / "Intents").glob("*.yaml")):
    kind = b"\x01" if path.name == "facts.yaml" else b"\x00"
    write("intent-loader", path.name, kind + path.read_bytes())
yaml_hostile = {
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)),
    "anchor": "language: &l de\nname: *l\n",
    "deep-nesting": "a:\n" + "".join("  " * i + "- \n" for i in range(1, 2000)),
    "flow-nesting": "intents: " + "[" * 20_000 + "]" * 20_000,
    "duplicate-keys": "language: de\nlanguage: en\nintents:\n  x:\n    title: a\n  x:\n    title: b\n",
    "tabs": "language: de\n\tname: x\nintents:\n\t\tx: 1\n",
    "invalid-utf8": b"language: de\nname: \xff\xfe\xc3\x28\n",
    "bidi": "language: ar\nname: \u202eabc\u202c\u200b\nintents:\n  \u200bx:\n    title: \u2066t\u2069\n",
    "huge-number": "language: de\nweekdays: [" + "9" * 10_000 + "]\n",
    "bom-only": "\ufeff",
    "document-markers": "---\n...\n---\nlanguage: de\n...\n",
    "tags": "language: !!binary aGVsbG8=\nname: !custom x\n",
}
for name, text in yaml_hostile.items():
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    write("intent-loader", "hostile-" + name + "-language", b"\x00" + data)
    write("intent-loader", "hostile-" + name + "-facts", b"\x01" + data)

# The matcher: real questions from the tuning set, and hostile text.
lines = (root / "Eval" / "dev.tsv").read_text(encoding="utf-8").splitlines()
for index, line in enumerate(lines[1::40]):
    write("matcher", f"question-{index:03d}", line.split("\t")[-1])
for name, data in {
    "zero-width": "w\u200ba\u200cn\u200dn\ufeff habt ihr offen",
    "bidi": "\u202eنراك\u202c \u2067adres\u2069",
    "combining": "a" + "\u0301" * 5000,
    "emoji": "🙂" * 2000 + " wann",
    "invalid-utf8": b"\xff\xfe wann \xc3\x28",
    "long": "anmeldung " * 500,
    "digits": "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ 123",
    "commands": "/lang xx\n/start@bot /delete /lang",
    "empty": "",
}.items():
    write("matcher", "hostile-" + name, data)
print(f"seeds written to {out}")
