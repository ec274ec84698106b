-- wrk script: seed 003's create against the demo merchant of `kassa dev`; every request a new order.
-- KASSA_KEY is the demo merchant's API key (var/dev/dev-credentials.json).
local counter = 0
local key = os.getenv("KASSA_KEY")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
request = function()
  counter = counter + 1
  local body = string.format('{"domain":"demo-shop.example","amount":"49.95","currency":"EUR","order_id":"WRK-%d-%d"}',
    math.random(1, 1000000000), counter)
  return wrk.format(nil, "/gateway/session.php", nil, body)
end
