import { createHmac } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import env from '#start/env'
import AuditTrail from '#audit/audit_trail'
import CouponBalances from '#ledger/coupon_balances'
import { todayInJapan } from '#ledger/coupon_issuance'
import AttemptThrottle, { type ThrottleRule } from '#identity/attempt_throttle'
import type { StaffAction } from '#audit/staff_action'
import { staffEvent } from '#audit/staff_action'
import ProviderVisits, { parseList } from '#visits/provider_visits'
import { normalizeResidentNumber } from '#residents/resident_field_rules'

/** 利用者ID as a provider may type it: letters, digits, "_" and "-" */
const RESIDENT_NUMBER = /^[0-9A-Za-z][0-9A-Za-z_-]*$/
const MAX_LENGTH = 32

/**
 * Lookups per account, whatever they find: a provider types the 利用者ID a
 * resident shows before a visit, a handful an hour; a run of lookups is
 * someone reading residents, hits as much as misses.
 */
const LOOKUP_RULES: ThrottleRule<{ userId: number }>[] = [
  {
    name: 'account',
    requests: 10,
    duration: '10 mins',
    blockDuration: '10 mins',
    key: ({ userId }) => `provider_lookup:account:${userId}`,
  },
]

export type LookupResult = {
  name: string
  programs: { key: string; name: string; services: { name: string; minutes: number }[] }[]
  /** The earliest last day of the lots that pay for the provider's services (YYYY-MM-DD) */
  nearestExpiry: string | null
}

/**
 * A provider looks up a resident's coupon status before a visit (by the
 * 利用者ID the resident shows): only the name, the hours left today for the
 * services the provider is contracted for, and the nearest expiry; nothing
 * else of the record (no phone, no children, no notes).
 *
 * Only a resident who has shown up at this provider (ProviderResidentLookup
 * .related: a visit here, or a visit QR of the provider they confirmed) is
 * shown; anyone else gets the same answer as a number nobody has, so a
 * provider cannot read residents by trying numbers.
 *
 * Every lookup is audited as `provider.resident_looked_up` before anything
 * is shown (fail closed): a hit with the resident as its subject; a miss
 * with an HMAC of the number instead of the number itself, so the trail
 * (or an export of it) does not hold numbers that belong to no one here,
 * yet an investigator holding APP_KEY can confirm what was tried.
 */
export default class ProviderResidentLookup {
  /** The number as stored, or null when it cannot be a 利用者ID */
  static normalize(input: string) {
    const number = normalizeResidentNumber(input)
    if (number === '' || number.length > MAX_LENGTH || !RESIDENT_NUMBER.test(number)) return null
    return number
  }

  /**
   * The lookup of the account `userId`, within its limit (LOOKUP_RULES):
   * 'throttled' past it, on the record without reading the residents.
   */
  static async lookupThrottled(
    userId: number,
    municipalityId: number,
    providerId: number,
    residentNumber: string,
    by: StaffAction,
    locale: string
  ): Promise<LookupResult | null | 'throttled'> {
    // Every lookup takes its place before it runs, and keeps it.
    const throttled = await new AttemptThrottle(LOOKUP_RULES).consume({ userId })
    if (throttled !== null) {
      await this.recordThrottled(municipalityId, providerId, residentNumber, by)
      return 'throttled'
    }
    return this.lookup(municipalityId, providerId, residentNumber, by, locale)
  }

  static async lookup(
    municipalityId: number,
    providerId: number,
    residentNumber: string,
    by: StaffAction,
    locale: string
  ): Promise<LookupResult | null> {
    const resident = await db.transaction(async (trx) => {
      const found = await trx
        .from('residents')
        .where('municipality_id', municipalityId)
        .whereRaw('UPPER(resident_number) = ?', [residentNumber.toUpperCase()])
        .select('id', 'family_name', 'given_name')
        .first()
      const shown = found
        ? await this.related(municipalityId, providerId, Number(found.id), trx)
        : false
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'provider.resident_looked_up',
          outcome: found && !shown ? 'denied' : 'success',
          purpose: 'provider_visit',
          subjectResidentId: found ? Number(found.id) : null,
          details: found
            ? { provider_id: providerId, found: true, shown }
            : {
                provider_id: providerId,
                found: false,
                shown: false,
                number_hmac: numberDigest(residentNumber),
              },
        }),
        trx
      )
      return shown ? found : null
    })
    if (!resident) return null

    const residentId = Number(resident.id)
    const today = todayInJapan()
    const programs = await ProviderVisits.programs(municipalityId, providerId, locale)
    const result: LookupResult = {
      name: `${resident.family_name} ${resident.given_name}`,
      programs: [],
      nearestExpiry: null,
    }
    for (const program of programs) {
      const balances = await CouponBalances.byService(municipalityId, residentId, program, today)
      result.programs.push({
        key: program.key,
        name: program.name,
        services: program.services.map((service) => ({
          name: service.name,
          minutes: balances.find((balance) => balance.service === service.code)?.minutes ?? 0,
        })),
      })
      const lots = await db
        .from('ledger_lots')
        .where({
          municipality_id: municipalityId,
          resident_id: residentId,
          plugin_id: program.pluginId,
          program_code: program.programCode,
          status: 'active',
        })
        .where('available_minutes', '>', 0)
        .where('valid_from', '<=', today)
        .where('valid_to', '>=', today)
        .select('services', 'valid_to')
      const contracted = program.services.map((service) => service.code)
      for (const lot of lots) {
        if (!parseList(lot.services).some((service) => contracted.includes(service))) continue
        const validTo = String(lot.valid_to)
        if (result.nearestExpiry === null || validTo < result.nearestExpiry) {
          result.nearestExpiry = validTo
        }
      }
    }
    return result
  }

  /**
   * A lookup the throttle stopped: on the record (denied) without reading
   * the residents, the number as its HMAC only.
   */
  static recordThrottled(
    municipalityId: number,
    providerId: number,
    residentNumber: string,
    by: StaffAction
  ) {
    return AuditTrail.record(
      staffEvent(municipalityId, by, {
        action: 'provider.resident_looked_up',
        outcome: 'denied',
        purpose: 'provider_visit',
        details: {
          provider_id: providerId,
          throttled: true,
          shown: false,
          number_hmac: numberDigest(residentNumber),
        },
      })
    )
  }

  /**
   * Whether the resident has shown up at this provider here: a visit of
   * theirs at the provider, whatever became of it (waiting, approved,
   * rejected, cancelled), or a visit QR of the provider they confirmed.
   */
  static async related(
    municipalityId: number,
    providerId: number,
    residentId: number,
    client: TransactionClientContract | typeof db = db
  ) {
    const visit = await client
      .from('ledger_redemptions')
      .where({ municipality_id: municipalityId, provider_id: providerId, resident_id: residentId })
      .select('id')
      .first()
    if (visit) return true
    const confirmed = await client
      .from('visit_tokens')
      .where({
        municipality_id: municipalityId,
        provider_id: providerId,
        consumed_by_resident_id: residentId,
      })
      .select('id')
      .first()
    return Boolean(confirmed)
  }
}

/** HMAC-SHA256 of a looked-up number, keyed with APP_KEY (hex) */
export function numberDigest(residentNumber: string) {
  return createHmac('sha256', env.get('APP_KEY').release())
    .update(`provider.resident_lookup:${residentNumber.toUpperCase()}`)
    .digest('hex')
}
