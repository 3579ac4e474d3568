#!/usr/bin/env bash
# CSV usage export (施設別利用実績 of a month) throughput and peak memory on
# SQLite, then on PostgreSQL, each on a fresh database.
#   bash bench/csv_export.sh                        (1,000,000 redemptions, UTF-8 with BOM)
#   BENCH_CSV_EXPORT_ROWS=100000 BENCH_CSV_ENCODING=cp932 bash bench/csv_export.sh
#   BENCH_PG_DB_NAME=tomoni_bench_mine bash bench/csv_export.sh   (its own PostgreSQL database)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=development LOG_LEVEL=error
export PORT=${PORT:-3336} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3336} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export BENCH_CSV_EXPORT_ROWS=${BENCH_CSV_EXPORT_ROWS:-1000000} BENCH_CSV_ENCODING=${BENCH_CSV_ENCODING:-utf8_bom}

echo "== SQLite"
export DB_CONNECTION=sqlite SQLITE_FILE=tmp/bench_csv_export.sqlite3
rm -f tmp/bench_csv_export.sqlite3*
node ace migration:run --force >/dev/null
node --expose-gc --import @poppinss/ts-exec bench/csv_export.ts
rm -f tmp/bench_csv_export.sqlite3*

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=${BENCH_PG_DB_NAME:-tomoni_bench_csv_export}
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_DB_NAME" -c "CREATE DATABASE $PG_DB_NAME"
node ace migration:run --force >/dev/null
node --expose-gc --import @poppinss/ts-exec bench/csv_export.ts
