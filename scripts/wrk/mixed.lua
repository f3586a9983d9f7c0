-- A mix of genuine and hostile plugin calls. Every answer's status is
-- counted; the only expected ones are 200 (genuine), 401 (wrong secret),
-- 400 (malformed), 415 (wrong content type) and 413 (too large).
local function read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local genuine = read(os.getenv("BODY_FILE"))
local forged = genuine:gsub(os.getenv("PLUGIN_SECRET"), "forged-secret")
local huge = '{"pluginSecret":"x","pad":"' .. string.rep("a", 70000) .. '"}'
local kinds = {
  { body = genuine, type = "application/json" },
  { body = genuine, type = "application/json" },
  { body = genuine, type = "application/json" },
  { body = forged, type = "application/json" },
  { body = '{"pluginSecret":', type = "application/json" },
  { body = genuine, type = "text/plain" },
  { body = huge, type = "application/json" },
}

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local counter = 0
statuses = {}
function request()
  counter = counter + 1
  local kind = kinds[(counter % #kinds) + 1]
  return wrk.format("POST", nil, { ["Content-Type"] = kind.type }, kind.body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local expected = { [200] = true, [400] = true, [401] = true, [413] = true, [415] = true }
  local unexpected = 0
  local parts = {}
  for status, n in pairs(totals) do
    table.insert(parts, string.format("%d:%d", status, n))
    if not expected[status] then
      unexpected = unexpected + n
    end
  end
  table.sort(parts)
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p99_us=%d unexpected=%d socket_errors=%d statuses=%s\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(99),
    unexpected,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
