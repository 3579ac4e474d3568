import db from '@adonisjs/lucid/services/db'
import AuditTrail from '#audit/audit_trail'
import ProgramCatalog from '#ledger/program_catalog'
import VisitTokens, { type VisitDetails } from '#visits/visit_tokens'
import type { StaffAction } from '#audit/staff_action'
import type Facility from '#tenancy/facility'
import { localizedText } from '#shared/localized_text'
import { staffEvent } from '#audit/staff_action'
import { PROVIDER_STAFF_ROLES } from '#identity/membership'

/** A program the provider may start visits for here, with the services its contract names */
export type ContractedProgram = {
  /** "<plugin id>/<program code>", the form's value */
  key: string
  pluginId: string
  programCode: string
  name: string
  services: { code: string; name: string }[]
  /** The visit lengths the program allows, in hours */
  hours: number[]
  from: string
  to: string
}

/** A visit QR as the provider's page follows it */
export type VisitTokenState = 'open' | 'expired' | 'confirmed'

export type ProviderVisitToken = {
  id: number
  pluginId: string
  programCode: string
  service: string
  facilityId: number | null
  visitDate: string
  visitStart: string
  minutes: number
  expiresAt: Date
  state: VisitTokenState
  redemptionId: number | null
  redemptionStatus: string | null
  residentId: number | null
  residentName: string | null
}

const PURPOSE = 'provider_visit'

/**
 * The provider console's visits: where a member of a provider's staff
 * works, what the provider is contracted for in a municipality, starting
 * a visit (its QR token, audited) and following it until the resident has
 * confirmed. Every read is limited to the provider's own rows.
 */
export default class ProviderVisits {
  /** The municipalities (and providers) where the account works for a provider */
  static async places(userId: number, locale: string) {
    const rows = await db
      .from('memberships')
      .join('municipalities', 'municipalities.id', 'memberships.municipality_id')
      .join('providers', 'providers.id', 'memberships.provider_id')
      .where('memberships.user_id', userId)
      .whereIn('memberships.role', PROVIDER_STAFF_ROLES)
      .whereNull('memberships.disabled_at')
      .orderBy('municipalities.slug')
      .orderBy('memberships.id')
      .select(
        'municipalities.slug',
        'municipalities.name_ja as municipality_ja',
        'municipalities.name_en as municipality_en',
        'providers.name_ja as provider_ja',
        'providers.name_en as provider_en'
      )
    // The console acts for the first provider of a municipality (the provider middleware).
    const bySlug = new Map<string, { slug: string; municipality: string; provider: string }>()
    for (const row of rows) {
      if (bySlug.has(row.slug)) continue
      bySlug.set(String(row.slug), {
        slug: String(row.slug),
        municipality: localizedText({ ja: row.municipality_ja, en: row.municipality_en }, locale),
        provider: localizedText({ ja: row.provider_ja, en: row.provider_en }, locale),
      })
    }
    return [...bySlug.values()]
  }

  /**
   * The programs (of the plugins the municipality has enabled) and services
   * the provider is contracted for here, in the plugin registry's order.
   */
  static async programs(
    municipalityId: number,
    providerId: number,
    locale: string
  ): Promise<ContractedProgram[]> {
    const contracts = await db
      .from('provider_contracts')
      .where({ municipality_id: municipalityId, provider_id: providerId })
    const programs: ContractedProgram[] = []
    for (const { plugin, program } of await ProgramCatalog.enabled(municipalityId)) {
      const contract = contracts.find(
        (row) => row.plugin_id === plugin.id && row.program_code === program.code
      )
      if (!contract) continue
      const contracted = parseList(contract.services)
      const services = program.services
        .filter((service) => contracted.includes(service.code))
        .map((service) => ({ code: service.code, name: localizedText(service.name, locale) }))
      if (services.length === 0) continue
      programs.push({
        key: `${plugin.id}/${program.code}`,
        pluginId: plugin.id,
        programCode: program.code,
        name: localizedText(program.name, locale),
        services,
        hours: program.visit.minutes.map((minutes) => minutes / 60),
        from: program.visit.from,
        to: program.visit.to,
      })
    }
    return programs
  }

  /** Visits the residents confirmed that wait for the provider's approval */
  static async waiting(municipalityId: number, providerId: number, facilityId: number | null) {
    const count = async (facility: number | null) => {
      const query = db
        .from('ledger_redemptions')
        .where({ municipality_id: municipalityId, provider_id: providerId, status: 'reserved' })
      if (facility !== null) query.where('facility_id', facility)
      const row = await query.count('* as total').first()
      return Number(row?.total ?? 0)
    }
    return {
      all: await count(null),
      facility: facilityId === null ? null : await count(facilityId),
    }
  }

  /**
   * Starts a visit: the QR token (VisitTokens refuses services outside the
   * provider's contract and visits outside the program's rules) and its
   * audit event, committed together.
   */
  static async start(visit: VisitDetails & { providerId: number }, by: StaffAction) {
    return db.transaction(async (trx) => {
      const issued = await VisitTokens.issue(visit, by.actorUserId ?? null, trx)
      await AuditTrail.record(
        staffEvent(visit.municipalityId, by, {
          action: 'visit.started',
          purpose: PURPOSE,
          details: {
            visit_token_id: issued.id,
            provider_id: visit.providerId,
            facility_id: visit.facilityId ?? null,
            plugin_id: visit.pluginId,
            program_code: visit.programCode,
            service: visit.service,
            visit_date: visit.visitDate,
            minutes: visit.minutes,
          },
        }),
        trx
      )
      return issued
    })
  }

  /** One of the provider's own visit QRs here, or null (another's is as absent as none) */
  static async find(
    municipalityId: number,
    providerId: number,
    tokenId: number
  ): Promise<ProviderVisitToken | null> {
    const row = await db
      .from('visit_tokens')
      .leftJoin('ledger_redemptions', 'ledger_redemptions.id', 'visit_tokens.redemption_id')
      .leftJoin('residents', 'residents.id', 'visit_tokens.consumed_by_resident_id')
      .where('visit_tokens.id', tokenId)
      .where('visit_tokens.municipality_id', municipalityId)
      .where('visit_tokens.provider_id', providerId)
      .select(
        'visit_tokens.*',
        'ledger_redemptions.status as redemption_status',
        'residents.family_name',
        'residents.given_name'
      )
      .first()
    if (!row) return null
    const expiresAt = new Date(row.expires_at)
    const consumed = row.consumed_at !== null && row.consumed_at !== undefined
    // Confirmed once the reservation exists (the token is consumed in the
    // same transaction; a reader sharing that transaction could see the
    // token used a moment before its reservation)
    const confirmed = consumed && row.redemption_id !== null
    return {
      id: Number(row.id),
      pluginId: String(row.plugin_id),
      programCode: String(row.program_code),
      service: String(row.service),
      facilityId: row.facility_id === null ? null : Number(row.facility_id),
      visitDate: String(row.visit_date),
      visitStart: String(row.visit_start),
      minutes: Number(row.minutes),
      expiresAt,
      state: confirmed ? 'confirmed' : expiresAt.getTime() <= Date.now() ? 'expired' : 'open',
      redemptionId: row.redemption_id === null ? null : Number(row.redemption_id),
      redemptionStatus: (row.redemption_status as string | null) ?? null,
      residentId: row.consumed_by_resident_id === null ? null : Number(row.consumed_by_resident_id),
      residentName: consumed ? `${row.family_name} ${row.given_name}` : null,
    }
  }

  /** The names of a visit in the reader's language */
  static async describe(visit: ProviderVisitToken, facilities: Facility[], locale: string) {
    const { program } = await ProgramCatalog.find(visit)
    const facility = facilities.find((candidate) => candidate.id === visit.facilityId)
    return {
      program: localizedText(program.name, locale),
      service: localizedText(ProgramCatalog.serviceName(program, visit.service), locale),
      facility: facility?.nameIn(locale) ?? null,
      visitDate: visit.visitDate,
      visitStart: visit.visitStart,
      minutes: visit.minutes,
    }
  }
}

/** A JSON array column (text in SQLite) */
export function parseList(value: unknown): string[] {
  let list = value
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value)
    } catch {
      return []
    }
  }
  return Array.isArray(list) ? list.map(String) : []
}
