import db from '@adonisjs/lucid/services/db'
import { auditImmutabilityFor } from '#database/audit_immutability'

/**
 * Plays a database administrator who bypasses the append-only triggers, to
 * prove that tampering is still detected. Restores the triggers afterwards.
 */
export async function asTamperingAdmin<T>(tamper: () => Promise<T>): Promise<T> {
  const statements = auditImmutabilityFor(db.connection().dialect.name)
  for (const statement of statements.drop) await db.rawQuery(statement)
  try {
    return await tamper()
  } finally {
    for (const statement of statements.create) await db.rawQuery(statement)
  }
}
