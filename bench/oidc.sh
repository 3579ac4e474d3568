#!/usr/bin/env bash
# A resident's full OpenID Connect code flow against Minato's issuer
# (authorize with a signed-in session, consent already given, code, token
# with PKCE) at concurrency 16, as flows/s and p50/p95, against /health/live
# of the same server at the same concurrency: on SQLite, then on
# PostgreSQL, each on a fresh database with the demo data.
#   bash bench/oidc.sh
#   BENCH_OIDC_SECONDS=20 BENCH_SKIP_PG=1 bash bench/oidc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# Development: the demo data (its seeder is off in production) and the demo client
export NODE_ENV=${BENCH_NODE_ENV:-development} LOG_LEVEL=error
export PORT=${PORT:-3368} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:$PORT} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export QUEUE_NAME=${QUEUE_NAME:-tomoni-bench-oidc} MAIL_MAILER=${MAIL_MAILER:-outbox}
unset REDIS_HOST
SQLITE_BENCH_FILE=${BENCH_SQLITE_FILE:-tmp/bench_oidc.sqlite3}
PG_BENCH_DB=${BENCH_PG_DB:-tomoni_bench_oidc}

if [ "${BENCH_SKIP_SQLITE:-}" != 1 ]; then
  echo "== SQLite"
  export DB_CONNECTION=sqlite SQLITE_FILE=$SQLITE_BENCH_FILE
  rm -f "$SQLITE_BENCH_FILE"*
  node ace migration:run --force >/dev/null
  node ace db:seed >/dev/null
  node --import @poppinss/ts-exec bench/oidc.ts
  rm -f "$SQLITE_BENCH_FILE"*
fi

if [ "${BENCH_SKIP_PG:-}" != 1 ]; then
  echo "== PostgreSQL"
  export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=$PG_BENCH_DB
  psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_BENCH_DB" -c "CREATE DATABASE $PG_BENCH_DB"
  node ace migration:run --force >/dev/null
  node ace db:seed >/dev/null
  node --import @poppinss/ts-exec bench/oidc.ts
  psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_BENCH_DB"
fi
