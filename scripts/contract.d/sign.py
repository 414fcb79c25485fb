"""schemathesis hook for WelcomeBot: signs every webhook request the way its messenger would,
over the exact bytes sent, so that the cases reach the decoders instead of stopping at 401.
The secrets are the throwaway ones scripts/contract starts the server with."""
import base64
import hashlib
import hmac
import json
import os
import urllib.parse

import schemathesis

TELEGRAM_SECRET = os.environ["CONTRACT_TELEGRAM_SECRET"]
META_SECRETS = {"/webhooks/whatsapp": os.environ["CONTRACT_WHATSAPP_SECRET"],
                "/webhooks/messenger": os.environ["CONTRACT_MESSENGER_SECRET"]}
VIBER_TOKEN = os.environ["CONTRACT_VIBER_TOKEN"]
TWILIO_TOKEN = os.environ["CONTRACT_TWILIO_TOKEN"]
TWILIO_URL = os.environ["CONTRACT_TWILIO_URL"]
ADMIN_TOKEN = os.environ["CONTRACT_ADMIN_TOKEN"]


def raw_json(case):
    """The body as the bytes that will be sent (schemathesis sends bytes unchanged)."""
    if isinstance(case.body, bytes):
        return case.body
    if type(case.body).__name__ == "NotSet":  # no body at all
        return b""
    data = json.dumps(case.body).encode("utf-8") if case.body is not None else b"null"
    case.body = data
    return data


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    path = case.operation.path
    headers = case.headers if case.headers is not None else {}
    case.headers = headers
    if path == "/webhooks/telegram":
        headers["X-Telegram-Bot-Api-Secret-Token"] = TELEGRAM_SECRET
    elif path in META_SECRETS and case.method.upper() == "POST":
        body = raw_json(case)
        digest = hmac.new(META_SECRETS[path].encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = "sha256=" + digest
    elif path == "/webhooks/viber":
        body = raw_json(case)
        headers["X-Viber-Content-Signature"] = hmac.new(VIBER_TOKEN.encode(), body, hashlib.sha256).hexdigest()
    elif path == "/webhooks/sms":
        if not isinstance(case.body, dict):
            return  # not a form: sent unsigned, and answered 401 or 415
        fields = case.body
        pairs = [(str(k), "" if v is None else str(v)) for k, v in fields.items()]
        case.body = urllib.parse.urlencode(pairs).encode()
        signed = TWILIO_URL + "".join(k + v for k, v in sorted(pairs))
        digest = hmac.new(TWILIO_TOKEN.encode(), signed.encode("utf-8"), hashlib.sha1).digest()
        headers["X-Twilio-Signature"] = base64.b64encode(digest).decode()
    elif path.startswith("/admin") and path not in ("/admin/login", "/admin/logout"):
        headers["Authorization"] = "Bearer " + ADMIN_TOKEN
