#!/usr/bin/env bash
# The statistics page and the usage month summary on SQLite, then on
# PostgreSQL, each on a fresh database.
#   bash bench/statistics.sh                        (300,000 residents)
#   BENCH_RESIDENTS=30000 bash bench/statistics.sh  (quick)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=development LOG_LEVEL=error
# Runs on a fresh clone too: no .env needed.
export PORT=${PORT:-3358} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3358} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export BENCH_RESIDENTS=${BENCH_RESIDENTS:-300000}
SQLITE_BENCH_FILE=${BENCH_SQLITE_FILE:-tmp/bench_statistics.sqlite3}
PG_BENCH_DB=${BENCH_PG_DB:-tomoni_bench_statistics}

if [ "${BENCH_SKIP_SQLITE:-}" != 1 ]; then
  echo "== SQLite"
  export DB_CONNECTION=sqlite SQLITE_FILE=$SQLITE_BENCH_FILE
  rm -f "$SQLITE_BENCH_FILE"*
  node ace migration:run --force >/dev/null
  node --import @poppinss/ts-exec bench/statistics.ts
  rm -f "$SQLITE_BENCH_FILE"*
fi

if [ "${BENCH_SKIP_PG:-}" != 1 ]; then
  echo "== PostgreSQL"
  export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=$PG_BENCH_DB
  psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_BENCH_DB" -c "CREATE DATABASE $PG_BENCH_DB"
  node ace migration:run --force >/dev/null
  node --import @poppinss/ts-exec bench/statistics.ts
fi
