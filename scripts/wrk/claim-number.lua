-- POSTs a claim-number call per request, each a new attempt on one claim
-- ($CLAIM_ID): a first-come-first-served drop. Attempt ids start with
-- $ATTEMPT_PREFIX (the claim id when unset), so that two wrk processes (one
-- per replica) never send the same attempt. Prints the summary line that
-- scripts/claim-numbers.sh and scripts/shared-stores.sh read. Run with one
-- wrk thread (-t1), so that one counter numbers the attempts.
local secret = assert(os.getenv("PLUGIN_SECRET"))
local claim = assert(os.getenv("CLAIM_ID"))
local prefix = os.getenv("ATTEMPT_PREFIX") or claim
local counter = 0
local head = '{"pluginSecret":"' .. secret .. '","claimId":"' .. claim
  .. '","_isSimulation":false,"_attemptStatus":"executing","claimAttemptId":"' .. prefix .. '-'

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
