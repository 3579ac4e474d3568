#!/usr/bin/env bash
# CSV resident import throughput and peak memory on SQLite, then on
# PostgreSQL, each on a fresh database.
#   bash bench/csv.sh                      (100,000 rows, UTF-8 with BOM)
#   BENCH_CSV_ROWS=20000 BENCH_CSV_ENCODING=cp932 bash bench/csv.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=development LOG_LEVEL=error
# Runs on a fresh clone too: no .env needed.
export PORT=${PORT:-3336} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3336} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export BENCH_CSV_ROWS=${BENCH_CSV_ROWS:-100000} BENCH_CSV_ENCODING=${BENCH_CSV_ENCODING:-utf8_bom}

echo "== SQLite"
export DB_CONNECTION=sqlite SQLITE_FILE=tmp/bench_csv.sqlite3
rm -f tmp/bench_csv.sqlite3*
node ace migration:run --force >/dev/null
node --expose-gc --import @poppinss/ts-exec bench/csv_import.ts

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=tomoni_bench_csv
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS tomoni_bench_csv" -c "CREATE DATABASE tomoni_bench_csv"
node ace migration:run --force >/dev/null
node --expose-gc --import @poppinss/ts-exec bench/csv_import.ts

