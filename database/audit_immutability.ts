/**
 * The database refuses UPDATE and DELETE on audit_events (and TRUNCATE on
 * PostgreSQL): the trail is append-only even for code that forgets it.
 * Used by the migration; tests that simulate a tampering DBA drop and
 * restore these triggers.
 */
export const AUDIT_IMMUTABILITY = {
  postgres: {
    create: [
      `CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP;
       END
       $$ LANGUAGE plpgsql`,
      `CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
    ],
    drop: [
      'DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events',
      'DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events',
    ],
  },
  sqlite: {
    create: [
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (UPDATE refused)'); END`,
      `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (DELETE refused)'); END`,
    ],
    drop: [
      'DROP TRIGGER IF EXISTS audit_events_no_update',
      'DROP TRIGGER IF EXISTS audit_events_no_delete',
    ],
  },
} as const

export function auditImmutabilityFor(dialectName: string) {
  return dialectName === 'postgres' ? AUDIT_IMMUTABILITY.postgres : AUDIT_IMMUTABILITY.sqlite
}
