-- wrk script: seed 003's create, every request a new order. KASSA_KEY is the merchant's API key; KASSA_DOMAIN one of
-- its domains (default: kassa dev's demo merchant's). Used by bench/gateway-wrk.sh and by `kassa bench gateway`.
local counter = 0
local key = os.getenv("KASSA_KEY")
local domain = os.getenv("KASSA_DOMAIN") or "demo-shop.example"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
request = function()
  counter = counter + 1
  local body = string.format('{"domain":"%s","amount":"49.95","currency":"EUR","order_id":"WRK-%d-%d"}',
    domain, math.random(1, 1000000000), counter)
  return wrk.format(nil, "/gateway/session.php", nil, body)
end
