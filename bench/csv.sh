#!/usr/bin/env bash
# CSV resident import throughput and peak memory, then how long a read
# waits while an import runs in the same process, on SQLite, then on
# PostgreSQL, each on a fresh database.
#   bash bench/csv.sh                      (100,000 rows, UTF-8 with BOM)
#   BENCH_CSV_ROWS=20000 BENCH_CSV_ENCODING=cp932 bash bench/csv.sh
#   BENCH_PG_DB=tomoni_bench_csv_mine BENCH_SQLITE_FILE=tmp/mine.sqlite3 bash bench/csv.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=development LOG_LEVEL=error
# Runs on a fresh clone too: no .env needed.
export PORT=${PORT:-3336} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3336} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export BENCH_CSV_ROWS=${BENCH_CSV_ROWS:-100000} BENCH_CSV_ENCODING=${BENCH_CSV_ENCODING:-utf8_bom}
SQLITE_BENCH_FILE=${BENCH_SQLITE_FILE:-tmp/bench_csv.sqlite3}
PG_BENCH_DB=${BENCH_PG_DB:-tomoni_bench_csv}

echo "== SQLite"
export DB_CONNECTION=sqlite SQLITE_FILE=$SQLITE_BENCH_FILE
rm -f "$SQLITE_BENCH_FILE"*
node ace migration:run --force >/dev/null
node --expose-gc --import @poppinss/ts-exec bench/csv_import.ts
node --import @poppinss/ts-exec bench/csv_import_responsiveness.ts

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=$PG_BENCH_DB
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_BENCH_DB" -c "CREATE DATABASE $PG_BENCH_DB"
node ace migration:run --force >/dev/null
node --expose-gc --import @poppinss/ts-exec bench/csv_import.ts
node --import @poppinss/ts-exec bench/csv_import_responsiveness.ts

