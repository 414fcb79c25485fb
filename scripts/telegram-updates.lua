-- wrk script: posts Telegram updates with distinct update ids and a few thousand distinct
-- users, signed with the secret token, as Telegram would. Used by scripts/load-telegram.
local counter = 0
local threads = {}
-- thread_id is a global that setup() gives each thread (a local here would hide it, and every
-- thread would send the same ids).

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  secret = os.getenv("TELEGRAM_SECRET_TOKEN") or "load-test-secret"
  -- Each wrk run its own ids (the warm-up's must not come back as redeliveries).
  offset = tonumber(os.getenv("UPDATE_ID_OFFSET") or "0")
  texts = {
    "wann habt ihr offen", "where can I register my address", "اين مكتب الاجانب",
    "шукаю роботу", "мне нужен термин", "کلاس زبان آلمانی", "oturum izni uzatma",
  }
end

function request()
  counter = counter + 1
  -- Distinct across threads: thread number in the high digits.
  local id = offset + (thread_id or 0) * 100000000 + counter
  local user = 1000 + (id % 5000)
  local text = texts[(id % #texts) + 1]
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"L"},' ..
    '"chat":{"id":%d,"type":"private"},"date":1700000000,"text":"%s"}}',
    id, id, user, user, text)
  return wrk.format("POST", "/webhooks/telegram", {
    ["Content-Type"] = "application/json",
    ["X-Telegram-Bot-Api-Secret-Token"] = secret,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"requestsPerSecond":%.0f,"non2xx":%d,"errors":%d,' ..
    '"p50Milliseconds":%.3f,"p99Milliseconds":%.3f,"p999Milliseconds":%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
