#!/usr/bin/env bash
# Backup and restore speed (MB/s of database) on PostgreSQL against plain
# pg_dump -Fc / pg_restore of the same database in the same run. The
# database is seeded as bench/statistics.ts seeds it (BENCH_RESIDENTS
# residents with their children, lots, visits and ledger entries).
#   bash bench/backup.sh                       (100,000 residents)
#   BENCH_RESIDENTS=20000 bash bench/backup.sh (quick)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=development LOG_LEVEL=error
# Runs on a fresh clone too: no .env needed.
export PORT=${PORT:-3362} HOST=${HOST:-127.0.0.1} SESSION_DRIVER=database
export APP_URL=${APP_URL:-http://127.0.0.1:3362} APP_KEY=${APP_KEY:-bench-only-key-not-a-secret-0123456789}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-a-secret-0123456789}
export BACKUP_KEY=${BACKUP_KEY:-bench-only-backup-key-not-a-secret-0123456789}
export BENCH_RESIDENTS=${BENCH_RESIDENTS:-100000} BENCH_REPEAT=1
PG_BENCH_DB=${BENCH_PG_DB:-tomoni_bench_backup}
export BACKUP_DIR=${BENCH_BACKUP_DIR:-tmp/bench_backups}

echo "== PostgreSQL"
export DB_CONNECTION=postgres PG_HOST=${PG_HOST:-127.0.0.1} PG_USER=${PG_USER:-postgres} PG_DB_NAME=$PG_BENCH_DB
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_BENCH_DB" -c "CREATE DATABASE $PG_BENCH_DB"
node ace migration:run --force >/dev/null
# The statistics bench's seeding (its own timings are not reported here)
node --import @poppinss/ts-exec bench/statistics.ts >/dev/null
rm -rf "$BACKUP_DIR"
node --import @poppinss/ts-exec bench/backup.ts
rm -rf "$BACKUP_DIR"
psql -h "$PG_HOST" -U "$PG_USER" -q -c "DROP DATABASE IF EXISTS $PG_BENCH_DB"
