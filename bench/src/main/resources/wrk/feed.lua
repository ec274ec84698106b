-- wrk script: pages of a merchant's events feed at random places. KASSA_KEY: the merchant's API key; KASSA_MERCHANT:
-- its id; KASSA_POSITIONS: how many positions its partition holds; KASSA_LIMIT: events per page (default 100).
-- Used by `kassa bench feed`.
local key = os.getenv("KASSA_KEY")
local merchant = os.getenv("KASSA_MERCHANT")
local positions = tonumber(os.getenv("KASSA_POSITIONS"))
local limit = os.getenv("KASSA_LIMIT") or "100"
wrk.headers["Authorization"] = "Bearer " .. key
request = function()
  local at = math.random(0, math.max(0, positions - tonumber(limit)))
  return wrk.format("GET", string.format("/gateway/events.php?limit=%s&after=ev_%s_%d", limit, merchant, at))
end
