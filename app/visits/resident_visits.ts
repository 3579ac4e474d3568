import db from '@adonisjs/lucid/services/db'
import CouponBalances from '#ledger/coupon_balances'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import Facility from '#tenancy/facility'
import Provider from '#tenancy/provider'
import { localizedText } from '#shared/localized_text'

export type VisitFacts = ProgramRef & {
  service: string
  visitDate: string
  visitStart: string | null
  minutes: number
  providerId: number | null
  facilityId: number | null
}

/** What the resident sees of a redemption's state, in plain words */
export type VisitState = 'waiting' | 'approved' | 'rejected' | 'cancelled'

const STATE_OF: Record<string, VisitState> = {
  reserved: 'waiting',
  posted: 'approved',
  released: 'rejected',
  cancelled: 'cancelled',
}

/**
 * A resident's visits as their pages show them: the program, service,
 * facility and provider by name in their language, the hours left for the
 * service, and the municipalities where they can scan a visit QR. Only
 * the resident's own rows are ever read.
 */
export default class ResidentVisits {
  /** The names and numbers of a visit, for the confirm and visit pages */
  static async describe(visit: VisitFacts, locale: string) {
    const { program } = await ProgramCatalog.find(visit)
    const facility = visit.facilityId ? await Facility.find(visit.facilityId) : null
    const provider = visit.providerId ? await Provider.find(visit.providerId) : null
    return {
      program: localizedText(program.name, locale),
      service: localizedText(ProgramCatalog.serviceName(program, visit.service), locale),
      serviceCode: visit.service,
      visitDate: visit.visitDate,
      visitStart: visit.visitStart,
      minutes: visit.minutes,
      facility: facility?.nameIn(locale) ?? null,
      provider: provider?.nameIn(locale) ?? null,
    }
  }

  /** Minutes the resident can still spend on the service on that day */
  static async minutesLeft(
    municipalityId: number,
    residentId: number,
    visit: ProgramRef & { service: string; visitDate: string }
  ) {
    const balances = await CouponBalances.byService(
      municipalityId,
      residentId,
      visit,
      visit.visitDate
    )
    return balances.find((balance) => balance.service === visit.service)?.minutes ?? 0
  }

  /** One of the resident's own redemptions, or null (someone else's is as absent as none) */
  static async own(municipalityId: number, residentId: number, redemptionId: number) {
    const row = await db
      .from('ledger_redemptions')
      .where({ id: redemptionId, municipality_id: municipalityId, resident_id: residentId })
      .first()
    if (!row) return null
    return {
      id: Number(row.id),
      /** The visit that replaced this one when the provider corrected its hours */
      replacedBy:
        row.replaced_by_redemption_id === null || row.replaced_by_redemption_id === undefined
          ? null
          : Number(row.replaced_by_redemption_id),
      state: STATE_OF[row.status] ?? 'waiting',
      reason: (row.reason as string | null) ?? null,
      createdAt: new Date(row.created_at).toISOString(),
      resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
      facts: {
        pluginId: String(row.plugin_id),
        programCode: String(row.program_code),
        service: String(row.service),
        visitDate: String(row.visit_date),
        visitStart: row.visit_start ? String(row.visit_start) : null,
        minutes: Number(row.minutes),
        providerId: row.provider_id === null ? null : Number(row.provider_id),
        facilityId: row.facility_id === null ? null : Number(row.facility_id),
      } satisfies VisitFacts,
    }
  }

  /** The municipalities where the account is a resident with a record, by slug */
  static async municipalitiesOf(userId: number) {
    return db
      .from('residents')
      .join('municipalities', 'municipalities.id', 'residents.municipality_id')
      .join('memberships', (join) => {
        join
          .on('memberships.municipality_id', 'residents.municipality_id')
          .andOn('memberships.user_id', 'residents.user_id')
      })
      .where('residents.user_id', userId)
      .where('memberships.role', 'resident')
      .distinct('municipalities.slug', 'municipalities.name_ja', 'municipalities.name_en')
      .orderBy('municipalities.slug')
  }
}
