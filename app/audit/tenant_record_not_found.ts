import { Exception } from '@adonisjs/core/exceptions'
import type { AuditAction } from '#audit/audit_vocabulary'

/**
 * An id this municipality (or this resident, this provider) does not have:
 * it may be another's. The exception handler answers 404 and writes the
 * attempt to the tenant's audit trail as `action` (denied) with `details`
 * (identifiers only). The one way a tenant screen refuses a foreign id.
 */
export default class TenantRecordNotFound extends Exception {
  static status = 404
  static code = 'E_TENANT_RECORD_NOT_FOUND'

  constructor(
    readonly action: AuditAction,
    readonly details: Record<string, unknown>
  ) {
    super('Row not found', { status: 404, code: 'E_TENANT_RECORD_NOT_FOUND' })
  }
}
