# Shared by the load scripts: install wrk, build the servers, start and stop
# them, and make the request body.

# CPU pinning, where the machine has two CPUs or more.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  SERVER_CPU="taskset -c 0"
  LOAD_CPU="taskset -c 1"
else
  SERVER_CPU=""
  LOAD_CPU=""
fi

# wrk drives the load; bc computes the ratios.
install_wrk() {
  if ! command -v wrk >/dev/null 2>&1 || ! command -v bc >/dev/null 2>&1; then
    echo "installing wrk and bc from Debian's packages" >&2
    apt-get update -qq && apt-get install -y -qq wrk bc >/dev/null
  fi
}

# start NAME BINARY BIND: runs a server in the background, waits for its port.
start() {
  local name=$1 binary=$2 bind=$3
  # Servers share the first CPU, the load generator gets the second, so
  # that the two interfere as little as the machine allows.
  # The memory store unless the caller names one: no file left behind.
  BIND=$bind RUST_LOG=${RUST_LOG:-warn} PLUGIN_SECRET=$PLUGIN_SECRET STORE_URL=${STORE_URL:-memory:} \
    $SERVER_CPU "$binary" >"$WORK/$name.log" 2>&1 &
  echo $! >"$WORK/$name.pid"
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/${bind%:*}/${bind#*:}") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not start; its log:" >&2
  cat "$WORK/$name.log" >&2
  return 1
}

stop_all() {
  for pid in "$WORK"/*.pid; do
    [ -e "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

# The current-platform fixture, signed with $PLUGIN_SECRET.
make_body() {
  sed "s/4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81/$PLUGIN_SECRET/" \
    sdk-core/tests/fixtures/current.json >"$WORK/body.json"
}

# field NAME LINE: the value of NAME=... in a RESULT line.
field() {
  sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"
}
