import db from '@adonisjs/lucid/services/db'
import CouponBalances, { type ResidentLotRow, usableOn } from '#ledger/coupon_balances'
import CouponDefinitions from '#ledger/coupon_definitions'
import { todayInJapan } from '#ledger/coupon_issuance'
import ProgramCatalog, { type ResolvedProgram } from '#ledger/program_catalog'
import WindowKey from '#ledger/window_key'
import { hourPools } from '#ledger/hour_pools'
import { localizedText } from '#shared/localized_text'
import type { LocalizedText } from '#plugin_host/define_plugin'

export type CouponLot = {
  id: number
  services: string[]
  window: string | null
  validFrom: string
  validTo: string
  grantedMinutes: number
  availableMinutes: number
  heldMinutes: number
  status: 'active' | 'expired' | 'revoked'
  /** Still active, but its last day has passed (the nightly expiry has not run yet) */
  lapsed: boolean
  definitionVersion: string
  definitionName: string
  copaymentTier: string | null
  childId: number | null
  history: { kind: string; minutes: number; reason: string | null; at: string }[]
}

export type ProgramCoupons = {
  key: string
  pluginId: string
  programCode: string
  name: string
  unitMinutes: number
  services: { code: string; name: string }[]
  definition: {
    version: string
    name: string
    per: 'resident' | 'child' | 'birth'
    windows: {
      key: string
      name: string
      totalMinutes: number
      minimumMinutes: number | null
      services: string[]
    }[]
  }
  copaymentTiers: { code: string; name: string }[] | null
  balances: { service: string; name: string; minutes: number }[]
  /** The balances as the hours they are: services sharing lots as one figure (hour_pools.ts) */
  pools: {
    minutes: number
    services: { code: string; name: string }[]
    limits: { service: string; name: string; minutes: number }[]
  }[]
  /** Visits confirmed by the resident and waiting for the provider, and the minutes they hold */
  pending: { visits: number; minutes: number }
  lots: CouponLot[]
}

function pendingOf(
  rows: { plugin_id: string; program_code: string; visits: unknown; minutes: unknown }[],
  ref: { pluginId: string; programCode: string }
) {
  const row = rows.find(
    (candidate) =>
      candidate.plugin_id === ref.pluginId && candidate.program_code === ref.programCode
  )
  return { visits: Number(row?.visits ?? 0), minutes: Number(row?.minutes ?? 0) }
}

/**
 * What the staff coupon screen shows of one resident: per program the
 * municipality uses, the definition new grants are issued under, the
 * balance per service today, and every lot with its definition version,
 * window, validity, status and the staff changes made to it.
 */
export default class ResidentCoupons {
  constructor(
    private municipalityId: number,
    private locale: string
  ) {}

  #text(text: LocalizedText) {
    return localizedText(text, this.locale)
  }

  /** The municipality's programs (ProgramCatalog.enabled: the one list every screen uses) */
  programs(): Promise<ResolvedProgram[]> {
    return ProgramCatalog.enabled(this.municipalityId)
  }

  async of(residentId: number, today = todayInJapan()): Promise<ProgramCoupons[]> {
    const lots = await db
      .from('ledger_lots')
      .where({ municipality_id: this.municipalityId, resident_id: residentId })
      .orderBy('valid_from')
      .orderBy('id')
    const lotIds = lots.map((lot) => Number(lot.id))
    const held = lotIds.length
      ? await db
          .from('ledger_entries')
          .join('ledger_redemptions', 'ledger_redemptions.id', 'ledger_entries.redemption_id')
          .whereIn('ledger_entries.lot_id', lotIds)
          .where('ledger_entries.kind', 'reserve')
          .where('ledger_redemptions.status', 'reserved')
          .groupBy('ledger_entries.lot_id')
          .select('ledger_entries.lot_id')
          .sum('ledger_entries.minutes as minutes')
      : []
    const heldByLot = new Map(held.map((row) => [Number(row.lot_id), Number(row.minutes)]))
    const changes = lotIds.length
      ? await db
          .from('ledger_entries')
          .whereIn('lot_id', lotIds)
          .whereIn('kind', ['revoke', 'adjust'])
          .whereNotNull('actor_user_id')
          .orderBy('id')
      : []

    const pending = await db
      .from('ledger_redemptions')
      .where({
        municipality_id: this.municipalityId,
        resident_id: residentId,
        status: 'reserved',
      })
      .groupBy('plugin_id', 'program_code')
      .select('plugin_id', 'program_code')
      .count('* as visits')
      .sum('minutes as minutes')

    const result: ProgramCoupons[] = []
    const defaultVersions = await CouponDefinitions.defaultVersions(this.municipalityId)
    for (const { plugin, program } of await this.programs()) {
      const ref = { pluginId: plugin.id, programCode: program.code }
      const version =
        defaultVersions.get(`${plugin.id}/${program.code}`) ?? program.defaultDefinition
      const definition =
        program.definitions.find((candidate) => candidate.version === version) ??
        program.definitions[0]
      const serviceName = (code: string) => this.#text(ProgramCatalog.serviceName(program, code))
      const balances = await CouponBalances.byService(
        this.municipalityId,
        residentId,
        ref,
        today,
        lots as ResidentLotRow[]
      )
      result.push({
        key: `${plugin.id}/${program.code}`,
        pluginId: plugin.id,
        programCode: program.code,
        name: this.#text(program.name),
        unitMinutes: program.unit.minutes,
        services: program.services.map((service) => ({
          code: service.code,
          name: this.#text(service.name),
        })),
        definition: {
          version: definition.version,
          name: this.#text(definition.name),
          per: definition.per,
          windows: definition.windows.map((window) => ({
            key: window.key,
            name: this.#text(window.name),
            totalMinutes: window.totalMinutes,
            minimumMinutes: window.minimumMinutes ?? null,
            services: (window.services ?? program.services.map((service) => service.code)).map(
              serviceName
            ),
          })),
        },
        copaymentTiers:
          program.copayment?.tiers.map((tier) => ({
            code: tier.code,
            name: this.#text(tier.name),
          })) ?? null,
        balances: balances.map((balance) => ({
          service: balance.service,
          name: serviceName(balance.service),
          minutes: balance.minutes,
        })),
        pools: hourPools(
          program.services.map((service) => service.code),
          balances,
          lots
            .filter(
              (lot) =>
                lot.plugin_id === plugin.id &&
                lot.program_code === program.code &&
                usableOn(lot, today) &&
                Number(lot.available_minutes) > 0
            )
            .map((lot) => JSON.parse(lot.services) as string[])
        ).map((pool) => ({
          minutes: pool.minutes,
          services: pool.services.map((code) => ({ code, name: serviceName(code) })),
          limits: pool.limits.map((limit) => ({ ...limit, name: serviceName(limit.service) })),
        })),
        pending: pendingOf(pending, ref),
        lots: lots
          .filter((lot) => lot.plugin_id === plugin.id && lot.program_code === program.code)
          .map((lot) => {
            const lotDefinition = program.definitions.find(
              (candidate) => candidate.version === lot.definition_version
            )
            const window = lotDefinition?.windows.find(
              (candidate) => candidate.key === WindowKey.base(lot.window_key)
            )
            const tier = program.copayment?.tiers.find(
              (candidate) => candidate.code === lot.copayment_tier
            )
            return {
              id: Number(lot.id),
              services: (JSON.parse(lot.services) as string[]).map(serviceName),
              window: window ? this.#text(window.name) : (lot.window_key ?? null),
              validFrom: lot.valid_from,
              validTo: lot.valid_to,
              grantedMinutes: Number(lot.granted_minutes),
              availableMinutes: Number(lot.available_minutes),
              heldMinutes: heldByLot.get(Number(lot.id)) ?? 0,
              status: lot.status,
              lapsed: lot.status === 'active' && lot.valid_to < today,
              definitionVersion: lot.definition_version,
              definitionName: lotDefinition
                ? this.#text(lotDefinition.name)
                : lot.definition_version,
              copaymentTier: tier ? this.#text(tier.name) : (lot.copayment_tier ?? null),
              childId: lot.child_id === null ? null : Number(lot.child_id),
              history: changes
                .filter((entry) => Number(entry.lot_id) === Number(lot.id))
                .map((entry) => ({
                  kind: entry.kind,
                  minutes: Number(entry.minutes),
                  reason: entry.reason,
                  at: new Date(entry.created_at).toISOString(),
                })),
            }
          }),
      })
    }
    return result
  }
}
