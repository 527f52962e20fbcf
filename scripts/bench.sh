#!/usr/bin/env bash
# `make bench`: seed the lifecycle core into PostgreSQL, serve it with gunicorn, load it with wrk from a
# second process on loopback, and print requests/s and p50/p99 of three endpoints beside bare Django
# views doing the same database work and beside plain-Django floors (the least work). See docs/bench.md.
#
# Environment (all optional but the database):
#   DATABASE_URL / BENCH_DATABASE_URL  the server (its database `bench` is used) / the database itself
#   BENCH_PROJECTS=100000  BENCH_DURATION=12 (measured s per side, in BENCH_ROUNDS=3 rounds)
#   BENCH_WARMUP=3 (s per side)  BENCH_CONNECTIONS=16
#   BENCH_WORKERS=2 (gunicorn sync workers)  BENCH_PORT=8765  BENCH_RESULTS=file (markdown table)
#   BENCH_ENDPOINTS="detail list action" (a subset, to iterate on one)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

PY=.venv/bin/python
DURATION=${BENCH_DURATION:-12}
ROUNDS=${BENCH_ROUNDS:-3}
ROUND_SECONDS=$(( (DURATION + ROUNDS - 1) / ROUNDS ))
WARMUP=${BENCH_WARMUP:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
WORKERS=${BENCH_WORKERS:-2}
RUN_DIR=$(mktemp -d -t govpm-bench.XXXXXX)
GUNICORN_PID=""

cleanup() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"
    for _ in $(seq 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$GUNICORN_PID" 2>/dev/null && kill -KILL "$GUNICORN_PID"
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || bash scripts/system-packages.sh

export DJANGO_SETTINGS_MODULE=config.settings.bench
DATABASE_URL=$($PY scripts/bench/database.py)
export DATABASE_URL

# The first free port from BENCH_PORT on: loopback only.
PORT=$($PY - "${BENCH_PORT:-8765}" <<'EOF'
import socket, sys
port = int(sys.argv[1])
for candidate in range(port, port + 100):
    with socket.socket() as probe:
        # As gunicorn binds: connections of an earlier run in TIME_WAIT do not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        print(candidate)
        break
else:
    sys.exit("bench: no free port")
EOF
)

echo "== migrate"
$PY manage.py migrate --noinput -v 0
echo "== seed (${BENCH_PROJECTS:-100000} projects)"
seed_started=$SECONDS
$PY -W ignore scripts/bench/seed.py "$RUN_DIR"
seed_seconds=$((SECONDS - seed_started))
echo "== check: each bare view issues the API's SQL and returns its body; each floor its few statements"
$PY -W ignore scripts/bench/check.py "$RUN_DIR"

echo "== serve: gunicorn, $WORKERS sync workers, 127.0.0.1:$PORT"
.venv/bin/gunicorn config.wsgi --workers "$WORKERS" --worker-class sync --bind "127.0.0.1:$PORT" \
  --log-level warning --error-logfile "$RUN_DIR/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 100); do
  $PY -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2).close()" 2>/dev/null && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$RUN_DIR/gunicorn.log"; exit 1; }
  sleep 0.1
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
export BENCH_TOKEN BENCH_STAGES BENCH_BODY
BENCH_TOKEN=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['token'])" "$RUN_DIR/plan.json")
BENCH_STAGES=$($PY -c "import json,sys; print(','.join(json.load(open(sys.argv[1]))['list_stages']))" "$RUN_DIR/plan.json")
BENCH_BODY="{\"inspected_on\": \"$(TZ=Asia/Shanghai date +%F)\", \"result\": \"on_track\", \"findings\": \"进度符合计划\"}"

# Per endpoint: a warm-up of each side, then ROUNDS rounds in which API, bare and floor alternate, so
# load from other processes on the machine falls on all three alike. report.py merges the rounds exactly.
run() {  # endpoint side seconds out
  local prefix=/api/v1 ids=$RUN_DIR/detail_ids.txt
  [ "$2" = bare ] && prefix=/bench/bare
  [ "$2" = floor ] && prefix=/bench/floor
  [ "$1" = action ] && ids=$RUN_DIR/action_ids.txt
  BENCH_MODE=$1 BENCH_PREFIX=$prefix BENCH_IDS=$ids BENCH_OUT=$4 \
    wrk --threads 2 --connections "$CONNECTIONS" --duration "${3}s" --timeout 5s \
    --script scripts/bench/load.lua "http://127.0.0.1:$PORT" >/dev/null
}
for endpoint in ${BENCH_ENDPOINTS:-detail list action}; do
  echo "== $endpoint: ${WARMUP}s warm-up per side, then $ROUNDS rounds of ${ROUND_SECONDS}s API / bare / floor"
  for side in api bare floor; do
    run "$endpoint" "$side" "$WARMUP" "$RUN_DIR/warmup.run"
  done
  for round in $(seq "$ROUNDS"); do
    for side in api bare floor; do
      run "$endpoint" "$side" "$ROUND_SECONDS" "$RUN_DIR/$endpoint-$side-$round.run"
    done
  done
done

echo
echo "$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['projects'])" "$RUN_DIR/plan.json") projects," \
  "gunicorn $WORKERS sync workers, wrk $CONNECTIONS connections, ${ROUNDS}x${ROUND_SECONDS}s per side," \
  "$(nproc) cores, load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
$PY scripts/bench/report.py "$RUN_DIR" ${BENCH_RESULTS:+"$BENCH_RESULTS"}
if [ -s "$RUN_DIR/gunicorn.log" ]; then echo "gunicorn log:"; tail -20 "$RUN_DIR/gunicorn.log"; fi
echo "seed ${seed_seconds}s, whole bench $((SECONDS - started))s"
