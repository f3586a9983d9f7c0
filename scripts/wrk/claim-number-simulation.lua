-- POSTs a claim-number simulation per request, each from a new address on
-- one claim ($CLAIM_ID): the burst of simulations a drop sends under the 2026
-- call model, where a simulation with an address holds the number it
-- previews (a reservation, a write). Addresses start with $ATTEMPT_PREFIX
-- (the claim id when unset), so that two wrk processes (one per replica)
-- never send the same one. Prints the summary line of claim-number.lua. Run
-- with one wrk thread (-t1), so that one counter numbers the addresses.
local secret = assert(os.getenv("PLUGIN_SECRET"))
local claim = assert(os.getenv("CLAIM_ID"))
local prefix = os.getenv("ATTEMPT_PREFIX") or claim
local counter = 0
local head = '{"pluginSecret":"' .. secret .. '","claimId":"' .. claim
  .. '","_isSimulation":true,"_attemptStatus":"executing","claimAttemptId":"",'
  .. '"bitbadgesAddress":"bb1' .. prefix .. '-'

request = function()
  counter = counter + 1
  return wrk.format("POST", "/plugins/claim-number",
    { ["Content-Type"] = "application/json" }, head .. counter .. '"}')
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
