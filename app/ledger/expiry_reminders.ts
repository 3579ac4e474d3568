import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import mail from '@adonisjs/mail/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog from '#ledger/program_catalog'
import CouponExpiryMail from '#ledger/coupon_expiry_mail'
import { appUrl } from '#config/app'

/** Days before a lot's last day when its holder is reminded */
export const REMINDER_DAYS = [30, 7] as const
type ReminderDays = (typeof REMINDER_DAYS)[number]

type DueLot = {
  id: number
  municipalityId: number
  residentId: number
  pluginId: string
  programCode: string
  validTo: string
  availableMinutes: number
  email: string
  fullName: string
  locale: string
  /** The threshold this run reminds about */
  daysBefore: ReminderDays
  /** Thresholds to record as done (a 7-day reminder also settles the 30-day one) */
  settles: ReminderDays[]
}

export type ReminderRun = {
  /** Residents who were sent a reminder */
  residents: number
  /** Lots listed in those reminders */
  lots: number
  /** Residents whose reminder failed; the next run tries them again */
  failed: number
}

/**
 * Reminds residents, by mail, of coupon hours about to lapse: 30 days and
 * 7 days before a lot's last day. One mail per resident and run lists every
 * lot due; each lot and threshold is reminded once (ledger_expiry_reminders).
 * Only residents with a verified, enabled account are written to; the others
 * hear from the municipality's office as before.
 */
export default class ExpiryReminders {
  static async send(today: string): Promise<ReminderRun> {
    const due = await this.#dueLots(today)
    const byResident = new Map<number, DueLot[]>()
    for (const lot of due) {
      byResident.set(lot.residentId, [...(byResident.get(lot.residentId) ?? []), lot])
    }

    const run: ReminderRun = { residents: 0, lots: 0, failed: 0 }
    for (const [residentId, lots] of byResident) {
      try {
        const reminded = await this.#remind(lots)
        if (reminded > 0) {
          run.residents++
          run.lots += reminded
        }
      } catch (error) {
        // One resident's failure must not hold back everyone else's reminder.
        run.failed++
        logger.error({ err: error, residentId }, 'expiry reminder failed')
      }
    }
    return run
  }

  /**
   * Active lots with hours left that end within 30 days and still owe a
   * reminder, of residents with a verified, enabled account.
   */
  static async #dueLots(today: string): Promise<DueLot[]> {
    const start = DateTime.fromISO(today)
    const within = (days: number) => start.plus({ days }).toISODate() as string
    const [farthest, nearest] = [within(REMINDER_DAYS[0]), within(REMINDER_DAYS[1])]
    const rows = await db
      .from('ledger_lots as lot')
      .join('residents as resident', 'resident.id', 'lot.resident_id')
      .join('users as account', 'account.id', 'resident.user_id')
      .leftJoin('ledger_expiry_reminders as sent_30', (join) =>
        join.on('sent_30.lot_id', 'lot.id').andOnVal('sent_30.days_before', REMINDER_DAYS[0])
      )
      .leftJoin('ledger_expiry_reminders as sent_7', (join) =>
        join.on('sent_7.lot_id', 'lot.id').andOnVal('sent_7.days_before', REMINDER_DAYS[1])
      )
      .where('lot.status', 'active')
      .where('lot.available_minutes', '>', 0)
      .where('lot.valid_to', '>=', today)
      .where('lot.valid_to', '<=', farthest)
      .whereNotNull('account.email_verified_at')
      .whereNull('account.disabled_at')
      .where((query) =>
        query
          .whereNull('sent_30.id')
          .orWhere((near) => near.where('lot.valid_to', '<=', nearest).whereNull('sent_7.id'))
      )
      .orderBy([{ column: 'lot.resident_id' }, { column: 'lot.valid_to' }, { column: 'lot.id' }])
      .select(
        'lot.id',
        'lot.municipality_id',
        'lot.resident_id',
        'lot.plugin_id',
        'lot.program_code',
        'lot.valid_to',
        'lot.available_minutes',
        'account.email',
        'account.full_name',
        'account.preferred_locale',
        'sent_30.id as sent_30_id'
      )

    return rows.map((row) => {
      const near = row.valid_to <= nearest
      const settles: ReminderDays[] = near ? [7] : [30]
      if (near && row.sent_30_id === null) settles.push(30)
      return {
        id: Number(row.id),
        municipalityId: Number(row.municipality_id),
        residentId: Number(row.resident_id),
        pluginId: row.plugin_id,
        programCode: row.program_code,
        validTo: row.valid_to,
        availableMinutes: Number(row.available_minutes),
        email: row.email,
        fullName: row.full_name,
        locale: row.preferred_locale,
        daysBefore: settles[0],
        settles,
      }
    })
  }

  /**
   * Records the reminders, the audit event and queues the mail in one
   * transaction. Returns how many lots the mail lists.
   */
  static async #remind(lots: DueLot[]) {
    const [first] = lots
    const names = await this.#programNames(lots)
    return db.transaction(async (trx) => {
      const listed: DueLot[] = []
      for (const lot of lots) {
        // The unique (lot, threshold) row is the claim: a lot another run
        // has just reminded about is left out of this mail.
        if (!(await this.#claim(trx, lot, lot.daysBefore))) continue
        for (const days of lot.settles.slice(1)) await this.#claim(trx, lot, days)
        listed.push(lot)
      }
      if (listed.length === 0) return 0

      await AuditTrail.record(
        {
          municipalityId: first.municipalityId,
          action: 'coupon.expiry_reminded',
          actorUserId: null,
          subjectResidentId: first.residentId,
          source: { channel: 'job' },
          destination: 'mail',
          details: {
            reminders: listed.map((lot) => ({ lot_id: lot.id, days_before: lot.daysBefore })),
          },
        },
        trx
      )
      // Queued last: if queuing fails, nothing is recorded and the next run
      // tries again; the message is built here, so the job needs no database.
      await mail.sendLater(
        new CouponExpiryMail({
          to: first.email,
          locale: first.locale,
          name: first.fullName,
          link: `${appUrl}/`,
          lots: listed.map((lot) => ({
            programName: this.#inLocale(names.get(this.#programKey(lot))!, first.locale),
            minutesLeft: lot.availableMinutes,
            validTo: lot.validTo,
          })),
        })
      )
      return listed.length
    })
  }

  static async #claim(trx: TransactionClientContract, lot: DueLot, daysBefore: ReminderDays) {
    const inserted = await trx
      .table('ledger_expiry_reminders')
      .insert({
        municipality_id: lot.municipalityId,
        lot_id: lot.id,
        days_before: daysBefore,
        sent_at: new Date(),
      })
      .onConflict(['lot_id', 'days_before'])
      .ignore()
      .returning('id')
    return inserted.length > 0
  }

  /**
   * Program names from the manifests; a program whose plugin is no longer
   * installed is named by its code rather than left out of the reminder.
   */
  static async #programNames(lots: DueLot[]) {
    const names = new Map<string, { ja: string; en: string }>()
    for (const lot of lots) {
      const key = this.#programKey(lot)
      if (names.has(key)) continue
      try {
        const { program } = await ProgramCatalog.find(lot)
        names.set(key, program.name)
      } catch (error) {
        if (!(error instanceof LedgerRefusal)) throw error
        names.set(key, { ja: lot.programCode, en: lot.programCode })
      }
    }
    return names
  }

  static #programKey(lot: DueLot) {
    return `${lot.pluginId}/${lot.programCode}`
  }

  static #inLocale(name: { ja: string; en: string }, locale: string) {
    return locale === 'en' ? name.en : name.ja
  }
}
