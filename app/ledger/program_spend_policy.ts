import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import LedgerEngine, {
  type LotRow,
  type ReserveInput,
  type SpendPolicy,
} from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import type { LotSpendLimit } from '#ledger/debit_plan'
import EntitlementCalendar from '#ledger/entitlement_calendar'
import ProgramCatalog from '#ledger/program_catalog'
import WindowKey from '#ledger/window_key'
import { HELD_OR_SPENT } from '#ledger/ledger_counts'
import type { ProgramManifest } from '#plugin_host/define_plugin'

function minutesOfDay(time: string) {
  const [hours, minutes] = time.split(':').map(Number)
  return hours * 60 + minutes
}

/**
 * A program's redemption rules, read from its manifest and applied by the
 * ledger engine under the lock: visit lengths, hours of the day, visits and
 * minutes per day, per-window service sub-caps, and the last day a service
 * may be used (e.g. doula until the day before the child is 7 months old).
 */
export default class ProgramSpendPolicy implements SpendPolicy {
  constructor(readonly program: ProgramManifest) {}

  /** Checks that need no database: the visit itself */
  checkVisit(input: Pick<ReserveInput, 'service' | 'minutes' | 'visitStart'>) {
    const { visit } = this.program
    if (!this.program.services.some((service) => service.code === input.service)) {
      throw new LedgerRefusal('unknown_service', { service: input.service })
    }
    if (!visit.minutes.includes(input.minutes)) {
      throw new LedgerRefusal('visit_length_not_allowed', {
        allowed: visit.minutes.map((minutes) => minutes / 60).join(', '),
      })
    }
    if (!input.visitStart || !/^([01]\d|2[0-3]):[0-5]\d$/.test(input.visitStart)) {
      throw new LedgerRefusal('visit_start_required')
    }
    const start = minutesOfDay(input.visitStart)
    if (start < minutesOfDay(visit.from) || start + input.minutes > minutesOfDay(visit.to)) {
      throw new LedgerRefusal('outside_hours', { from: visit.from, to: visit.to })
    }
  }

  async checkDay(client: TransactionClientContract, input: ReserveInput) {
    this.checkVisit(input)
    // The day's visits and this service's minutes that day, in one query
    const day = await client
      .from('ledger_redemptions')
      .where({
        municipality_id: input.municipalityId,
        resident_id: input.residentId,
        plugin_id: input.pluginId,
        program_code: input.programCode,
        visit_date: input.visitDate,
      })
      .whereIn('status', HELD_OR_SPENT)
      .select(
        client.raw('count(*) as visits'),
        client.raw('sum(case when service = ? then minutes else 0 end) as minutes', [input.service])
      )
      .first()
    if (Number(day?.visits ?? 0) >= this.program.visit.perDay) {
      throw new LedgerRefusal('daily_visits_reached', { perDay: this.program.visit.perDay })
    }
    const dailyLimit = this.program.visit.dailyMinutes?.[input.service]
    const used = Number(day?.minutes ?? 0)
    if (dailyLimit !== undefined && used + input.minutes > dailyLimit) {
      throw new LedgerRefusal('daily_minutes_exceeded', {
        service: ProgramCatalog.serviceName(this.program, input.service),
        limit: dailyLimit,
        used,
      })
    }
  }

  async lotLimit(
    client: QueryClientContract,
    lot: LotRow,
    input: ReserveInput
  ): Promise<LotSpendLimit> {
    const unlimited = { minutes: Number(lot.available_minutes) }
    const definition = this.program.definitions.find(
      (candidate) => candidate.version === lot.definition_version
    )
    if (!definition) return unlimited
    const serviceName = ProgramCatalog.serviceName(this.program, input.service)

    const until = definition.serviceUntil?.[input.service]
    if (until) {
      const child = lot.child_id
        ? await client.from('children').where('id', lot.child_id).first()
        : null
      const birthDate = (child?.birth_date ?? child?.due_date ?? null) as string | null
      if (until.anchor !== 'birth' || birthDate) {
        const lastDay = EntitlementCalendar.resolve(until, {
          issueDate: lot.valid_from,
          birthDate,
        })
        if (input.visitDate > lastDay) {
          return {
            minutes: 0,
            refusal: new LedgerRefusal(
              'service_period_over',
              { service: serviceName, until: lastDay },
              { limit: true }
            ),
          }
        }
      }
    }

    const window = definition.windows.find(
      (candidate) => candidate.key === WindowKey.base(lot.window_key)
    )
    const subCap = window?.serviceMinutes?.[input.service]
    if (subCap === undefined) return unlimited
    const windowLots = LedgerEngine.programLots(client, input)
      .where({ definition_version: lot.definition_version, window_key: lot.window_key })
      .select('id')
    if (lot.child_id) windowLots.where('child_id', lot.child_id)
    else windowLots.whereNull('child_id')
    const spent = await client
      .from('ledger_entries')
      .join('ledger_redemptions', 'ledger_redemptions.id', 'ledger_entries.redemption_id')
      .where('ledger_entries.kind', 'reserve')
      .whereIn('ledger_redemptions.status', HELD_OR_SPENT)
      .where('ledger_redemptions.service', input.service)
      .whereIn('ledger_entries.lot_id', windowLots)
      .sum('ledger_entries.minutes as total')
      .first()
    const used = Number(spent?.total ?? 0)
    return {
      minutes: Math.max(0, subCap - used),
      pool: `${lot.definition_version}/${lot.window_key}/${lot.child_id ?? '-'}/${input.service}`,
      refusal: new LedgerRefusal(
        'sub_cap_reached',
        { service: serviceName, cap: subCap, used },
        { limit: true }
      ),
    }
  }
}
