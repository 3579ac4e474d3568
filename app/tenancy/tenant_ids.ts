import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import TenantRecordNotFound from '#audit/tenant_record_not_found'
import type { AuditAction } from '#audit/audit_vocabulary'

/**
 * How an id route parameter names a row of one municipality: the table
 * (or a query) that must hold the id for this municipality, and what the
 * refusal is called on the audit trail. Finer ownership (a resident's own
 * visit, a provider's own staff) stays with the screen, which refuses with
 * the same TenantRecordNotFound.
 */
type TenantId = {
  action: AuditAction
  detail: string
  rows: (municipalityId: number) => DatabaseQueryBuilderContract
  /** The column the parameter's value is matched against (the row id by default) */
  column?: string
}

/** Rows of `table` whose municipality_id is this municipality */
function inTable(table: string, action: AuditAction, detail: string): TenantId {
  return {
    action,
    detail,
    rows: (municipalityId) => db.from(table).where('municipality_id', municipalityId),
  }
}

/** Rows of `table` whose provider is contracted by this municipality */
function ofContractedProvider(
  table: string,
  column: string,
  action: AuditAction,
  detail: string
): TenantId {
  return {
    action,
    detail,
    rows: (municipalityId) =>
      db
        .from(table)
        .whereIn(
          column,
          db
            .from('provider_contracts')
            .where('municipality_id', municipalityId)
            .select('provider_id')
        ),
  }
}

const children = inTable('children', 'child.not_found', 'child_id')
const applications = inTable('applications', 'application.not_found', 'application_id')
const redemptions = inTable('ledger_redemptions', 'redemption.not_found', 'redemption_id')
const csvJobs = inTable('csv_jobs', 'csv_job.not_found', 'csv_job_id')
const oidcClients = inTable('oidc_clients', 'oidc_client.not_found', 'oidc_client_id')

/**
 * Every id parameter of every tenant route, by name. The tenant middleware
 * checks each one before any screen runs; a route with an id parameter
 * missing here fails on every request (and the isolation test says which).
 */
export const TENANT_IDS: Record<string, TenantId> = {
  resident: inTable('residents', 'resident.not_found', 'resident_id'),
  child: children,
  ownChild: children,
  application: applications,
  ownApplication: applications,
  lot: inTable('ledger_lots', 'coupon.not_found', 'lot_id'),
  redemption: redemptions,
  visit: redemptions,
  providerVisit: redemptions,
  provider: ofContractedProvider('providers', 'id', 'provider.not_found', 'provider_id'),
  facility: ofContractedProvider('facilities', 'provider_id', 'facility.not_found', 'facility_id'),
  job: csvJobs,
  providerExport: csvJobs,
  providerVisitToken: inTable('visit_tokens', 'visit_token.not_found', 'visit_token_id'),
  memo: inTable('provider_memos', 'provider.memo_not_found', 'memo_id'),
  oidcClient: oidcClients,
  linkedClient: oidcClients,
  // Provider staff are named by their user id (one person, several memberships)
  providerStaff: {
    ...inTable('memberships', 'provider.staff_not_found', 'user_id'),
    column: 'user_id',
  },
}

/** Route parameters of tenant routes that are names, not row ids */
export const TENANT_NAME_PARAMS = new Set(['municipality', 'plugin', 'program', 'token', '*'])

/**
 * Refuses (TenantRecordNotFound) the first id in the URL that is not a row
 * of this municipality. Ids are already numbers here (route idMatcher).
 */
export async function assertTenantIds(municipalityId: number, params: Record<string, unknown>) {
  for (const [param, value] of Object.entries(params)) {
    if (TENANT_NAME_PARAMS.has(param)) continue
    const kind = TENANT_IDS[param]
    if (!kind) throw new Error(`Route parameter ":${param}" has no entry in TENANT_IDS`)
    const id = Number(value)
    const column = kind.column ?? 'id'
    const found = await kind.rows(municipalityId).where(column, id).select(column).first()
    if (!found) throw new TenantRecordNotFound(kind.action, { [kind.detail]: id })
  }
}
