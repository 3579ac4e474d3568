#!/usr/bin/env bash
# The resident's home page under load (32 connections), against /health/live
# of the same server, and its first contentful paint in Chromium at 4× CPU
# (bench/resident_fcp.mjs), on the production build: SQLite, then
# PostgreSQL, each on a fresh database with the demo data.
#   bash bench/resident_home.sh          (BENCH_SECONDS=10 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
ROOT=$PWD
export LOG_LEVEL=error PORT=${BENCH_HOME_PORT:-3367} HOST=127.0.0.1 SESSION_DRIVER=database
export APP_URL=http://127.0.0.1:$PORT APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}

node ace build >/dev/null
cd build
ln -sfn "$ROOT/node_modules" node_modules
export NODE_ENV=production

serve_and_measure() {
  node ace migration:run --force >/dev/null
  # The demo seeder refuses to run in production (it writes known passwords)
  NODE_ENV=development node ace db:seed --files ./database/seeders/demo_seeder.js >/dev/null
  node bin/server.js >"$ROOT/tmp/bench_home_server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do curl -sf "$APP_URL/health/live" >/dev/null && break; sleep 0.5; done
  node "$ROOT/bench/resident_home.mjs"
  # First paint in a real browser, where Chromium is installed (apt-get install -y chromium)
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then node "$ROOT/bench/resident_fcp.mjs"; fi
  kill $server
  wait $server 2>/dev/null || true
  trap - EXIT
}

echo "== SQLite"
export DB_CONNECTION=sqlite SQLITE_FILE=$ROOT/tmp/bench_home.sqlite3
rm -f "$ROOT"/tmp/bench_home.sqlite3*
serve_and_measure
rm -f "$ROOT"/tmp/bench_home.sqlite3*

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=tomoni_bench_home
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS tomoni_bench_home" -c "CREATE DATABASE tomoni_bench_home"
serve_and_measure
