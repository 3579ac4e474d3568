import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'

/**
 * What a redemption (aliased `r`) says of its visit: the columns the
 * usage CSV, the resident's history and the provider's history all read
 */
export const VISIT_COLUMNS = [
  'r.id',
  'r.plugin_id',
  'r.program_code',
  'r.service',
  'r.visit_date',
  'r.visit_start',
  'r.minutes',
  'r.status',
] as const

/** The resident columns withVisitResidents adds to each row */
export type VisitResidentRow = {
  resident_id: number | string
  resident_number: string
  family_name: string
  given_name: string
}

/** Who a visit was for, as the usage screens and the provider's history list them */
export type VisitResident = {
  residentId: number
  residentNumber: string
  residentName: string
}

/**
 * Joins the resident of each redemption (a query aliased `r`), of the
 * same municipality, and adds their ID (利用者ID) and name to the row. The
 * staff usage CSV and the provider's history read residents this one way.
 */
export function withVisitResidents<Query extends DatabaseQueryBuilderContract>(
  query: Query
): Query {
  return query
    .join('residents as res', (join) => {
      join.on('res.id', '=', 'r.resident_id').andOn('res.municipality_id', '=', 'r.municipality_id')
    })
    .select('r.resident_id', 'res.resident_number', 'res.family_name', 'res.given_name')
}

/** A row's resident as the screens show them: "family given" */
export function visitResident(row: VisitResidentRow): VisitResident {
  return {
    residentId: Number(row.resident_id),
    residentNumber: row.resident_number,
    residentName: `${row.family_name} ${row.given_name}`,
  }
}
