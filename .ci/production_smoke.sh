#!/usr/bin/env bash
# The production build, started the way the README says, against PostgreSQL
# and Redis: `node ace build`, the build's production dependencies, a fresh
# database migrated and given the demo data, `npm start` (NODE_ENV=production)
# and `npm run worker` from build/, then one visit walked over HTTP
# (.ci/production_visit.mjs). Prints PASS or FAIL; exits 1 on failure. The
# servers are stopped and the database dropped however it ends.
#
#   bash .ci/production_smoke.sh               # from the repository, after npm ci
#   SMOKE_NPM_CI=1 bash .ci/production_smoke.sh  # `npm ci --omit=dev` in build/ (slow: downloads)
#
# It replaces build/ (what `node ace build` writes). By default
# build/node_modules is a copy of the repository's node_modules pruned with
# `npm prune --omit=dev`: the same 569 packages `npm ci --omit=dev` installs
# (the Node 24 runtime included): 22 s on a quiet machine (1-2 min with a
# load of 13), where npm ci --omit=dev took 10-20 min on this network.
# SMOKE_PORT (default 3390) is where the web process listens.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:$PATH"

PORT=${SMOKE_PORT:-3390}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
SMOKE_DB="tomoni_smoke_$$"
SMOKE_QUEUE="tomoni-smoke-$$"
LOGS=$(mktemp -d)
export PGOPTIONS='--client-min-messages=warning'
WEB_PID=""
WORKER_PID=""

say() { printf '[production smoke] %s\n' "$*"; }
fail() {
  say "$*"
  echo "production smoke: FAIL"
  exit 1
}

stop() {
  local pid=$1
  [ -n "$pid" ] || return 0
  # npm start → sh → node: the whole process group, SIGTERM first
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null
}

cleanup() {
  stop "$WEB_PID"
  stop "$WORKER_PID"
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $SMOKE_DB" >/dev/null 2>&1
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "bull:$SMOKE_QUEUE:*" 2>/dev/null \
    | xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null 2>&1
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_logs() {
  for log in "$LOGS"/web.log "$LOGS"/worker.log; do
    [ -f "$log" ] && { say "--- last lines of $(basename "$log")"; tail -n 30 "$log"; }
  done
}

started=$SECONDS
say "node ace build"
node ace build >"$LOGS/build.log" 2>&1 || { tail -n 40 "$LOGS/build.log"; fail "the build failed"; }
say "built in $((SECONDS - started)) s"

step=$SECONDS
if [ "${SMOKE_NPM_CI:-0}" = 1 ]; then
  say "npm ci --omit=dev in build/"
  (cd build && npm ci --omit=dev --no-audit --no-fund) >"$LOGS/install.log" 2>&1 \
    || { tail -n 40 "$LOGS/install.log"; fail "npm ci --omit=dev failed in build/"; }
else
  say "build/node_modules: the repository's, pruned to the production dependencies"
  # A real copy, not hard links: npm prune rewrites files in place
  # (node_modules/.package-lock.json) that would be the repository's too.
  cp -a node_modules build/node_modules || fail "could not copy node_modules"
  (cd build && npm prune --omit=dev --no-audit --no-fund) >"$LOGS/install.log" 2>&1 \
    || { tail -n 40 "$LOGS/install.log"; fail "npm prune --omit=dev failed in build/"; }
fi
[ -x build/node_modules/.bin/node ] || fail "build/node_modules/.bin/node is missing: the production install brings no Node"
[ ! -e build/node_modules/eslint ] || fail "build/node_modules still holds development packages (eslint)"
say "production dependencies in $((SECONDS - step)) s: $(build/node_modules/.bin/node --version)"

psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $SMOKE_DB" -c "CREATE DATABASE $SMOKE_DB" \
  || fail "could not create the database $SMOKE_DB"

# The environment a deployment sets (README, "Running in production"); the
# PATH of a server: no node_modules/.bin, the system's Node only.
run_env=(
  env -i "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=${HOME:-/root}"
  NODE_ENV=production HOST=127.0.0.1 PORT="$PORT" APP_URL="http://127.0.0.1:$PORT" LOG_LEVEL=info
  APP_KEY="$(openssl rand -base64 32)" AUDIT_HMAC_KEY="$(openssl rand -base64 32)"
  SESSION_DRIVER=database DB_CONNECTION=postgres PG_HOST="$PG_HOST" PG_PORT="$PG_PORT"
  PG_USER="$PG_USER" PG_PASSWORD="${PG_PASSWORD:-}" PG_DB_NAME="$SMOKE_DB"
  REDIS_HOST="$REDIS_HOST" REDIS_PORT="$REDIS_PORT" QUEUE_NAME="$SMOKE_QUEUE"
)
in_build() { (cd build && "${run_env[@]}" "$@"); }

say "npm run ace -- migration:run --force"
in_build npm run ace -- migration:run --force >"$LOGS/migrate.log" 2>&1 \
  || { tail -n 40 "$LOGS/migrate.log"; fail "the migrations failed"; }
# Demo data, as `npm start` seeds it (its seeder runs in development only)
in_build NODE_ENV=development npm run ace -- db:seed --files ./database/seeders/demo_seeder.js \
  >"$LOGS/seed.log" 2>&1 || { tail -n 40 "$LOGS/seed.log"; fail "the demo data could not be seeded"; }
rm -rf build/tmp/outbox
# Outside the test suite passwords are hashed at scrypt N = 2^17 (config/hash.ts)
stored_hash=$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$SMOKE_DB" -tA \
  -c "SELECT password FROM users WHERE email = 'hanako@example.jp'")
[[ "$stored_hash" == '$scrypt$n=131072,r=8,p=1$'* ]] \
  || fail "the seeded password is not hashed at scrypt N = 2^17: ${stored_hash:0:30}"

say "npm start and npm run worker (NODE_ENV=production, port $PORT, queue $SMOKE_QUEUE)"
# Each in its own process group (setsid), so that stop() reaches node too
(cd build && exec setsid "${run_env[@]}" npm start) >"$LOGS/web.log" 2>&1 &
WEB_PID=$!
(cd build && exec setsid "${run_env[@]}" npm run worker) >"$LOGS/worker.log" 2>&1 &
WORKER_PID=$!

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && break
  kill -0 "$WEB_PID" 2>/dev/null || { show_logs; fail "the web process exited"; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/health/live" >/dev/null || { show_logs; fail "/health/live did not answer"; }
grep -q "queue:work listening" "$LOGS/worker.log" 2>/dev/null || sleep 2
kill -0 "$WORKER_PID" 2>/dev/null || { show_logs; fail "the worker exited"; }
say "/health/live answers; walking one visit"

node .ci/production_visit.mjs "http://127.0.0.1:$PORT" "$ROOT/build/tmp/outbox" \
  || { show_logs; say "production smoke took $((SECONDS - started)) s"; exit 1; }
say "production smoke took $((SECONDS - started)) s"
