#!/usr/bin/env bash
# /health/live requests per second and p99 (autocannon, 32 connections,
# 10 s, no cookies) against the HTTP server on SQLite, then on PostgreSQL,
# each on a fresh database; then the number of `sessions` rows left behind.
#   bash bench/http_baseline.sh
#   BENCH_HTTP_PATHS=/health/live,/health/ready,/login BENCH_HTTP_SECONDS=5 bash bench/http_baseline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=${BENCH_NODE_ENV:-production} LOG_LEVEL=error
export PORT=${PORT:-3366} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3366} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export QUEUE_NAME=${QUEUE_NAME:-tomoni-bench-http} MAIL_MAILER=${MAIL_MAILER:-outbox}
unset REDIS_HOST

echo "== SQLite"
export DB_CONNECTION=sqlite SQLITE_FILE=tmp/bench_http.sqlite3
rm -f tmp/bench_http.sqlite3*
node ace migration:run --force >/dev/null
node --import @poppinss/ts-exec bench/http_baseline.ts
rm -f tmp/bench_http.sqlite3*

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=${BENCH_PG_DB:-tomoni_bench_http}
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_DB_NAME" -c "CREATE DATABASE $PG_DB_NAME"
node ace migration:run --force >/dev/null
node --import @poppinss/ts-exec bench/http_baseline.ts
