-- wrk script: wrong dashboard sign-in tries from many addresses (bench/signin-wrk.sh). Each try comes from a random
-- IPv4 address (X-Forwarded-For: the gateway runs with trust-forwarded-for) and carries a valid double-submit token;
-- every other try names KASSA_EMAIL (a real user: its per-e-mail buckets drain), the others random e-mails (each a
-- bcrypt check unless the bcrypt queue is full). delay() paces each connection: connections x 1000 / KASSA_DELAY_MS tries a second.
local counter = 0
local email = os.getenv("KASSA_EMAIL") or "demo@example.com"
local pause = tonumber(os.getenv("KASSA_DELAY_MS") or "50")
local token = "benchbenchbenchbenchbench"
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  counter = counter + 1
  local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local who = (counter % 2 == 0) and email or string.format("guess-%d@example.com", math.random(1, 1000000000))
  local body = "csrf=" .. token .. "&email=" .. who:gsub("@", "%%40") .. "&password=wrong-password-" .. counter
  return wrk.format("POST", "/dashboard/login", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = address,
    ["Cookie"] = "kassa_login_csrf=" .. token,
  }, body)
end
delay = function()
  return pause
end
-- Answers by status, printed at the end: 200 (a wrong password, bcrypt ran), 429 (a limit), 503 (bcrypt busy).
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
init = function()
  statuses = {}
end
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function()
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do
      total[k] = (total[k] or 0) + v
    end
  end
  local line = "signin answers:"
  for k, v in pairs(total) do
    line = line .. " " .. k .. "=" .. v
  end
  print(line)
end
