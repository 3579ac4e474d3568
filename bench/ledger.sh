#!/usr/bin/env bash
# Ledger throughput on SQLite, then on PostgreSQL, each on a fresh database.
#   bash bench/ledger.sh            (PostgreSQL at 127.0.0.1, user postgres)
#   BENCH_PG_DB=tomoni_bench_h4 bash bench/ledger.sh   (another database name, so
#   that two runs on one server do not drop each other's database; pgbench
#   gets "<name>_pgbench" as its scratch database)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=development LOG_LEVEL=error
# Runs on a fresh clone too: no .env needed.
export PORT=${PORT:-3335} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3335} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}

echo "== SQLite"
export DB_CONNECTION=sqlite SQLITE_FILE=tmp/bench.sqlite3
rm -f tmp/bench.sqlite3*
node ace migration:run --force >/dev/null
node --import @poppinss/ts-exec bench/ledger.ts

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=${BENCH_PG_DB:-tomoni_bench}
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_DB_NAME" -c "CREATE DATABASE $PG_DB_NAME"
node ace migration:run --force >/dev/null
node --import @poppinss/ts-exec bench/ledger.ts
