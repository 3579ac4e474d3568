import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { chainKeyFor } from '#audit/audit_event_input'
import type AuditWording from '#audit_viewer/audit_wording'

export const AUDIT_TIME_ZONE = 'Asia/Tokyo'
export const AUDIT_PAGE_SIZE = 25

export type AuditFilters = {
  residentNumber?: string
  actorUserId?: number
  action?: string
  from?: string
  to?: string
}

/** One event, its codes as recorded and each in words (AuditWording) */
export type AuditListItem = {
  id: string
  sequence: number
  occurredAt: string
  action: string
  title: string
  outcome: string
  outcomeLabel: string
  actorName: string | null
  actorRole: string | null
  roleLabel: string | null
  residentId: number | null
  residentNumber: string | null
  /** Only when the search was asked for names (see AuditSearchOptions) */
  residentName: string | null
  purpose: string | null
  purposeLabel: string | null
  sourceIp: string | null
  sourceChannel: string
  channelLabel: string
  destination: string | null
  destinationLabel: string | null
}

export type AuditSearchOptions = {
  wording: AuditWording
  /**
   * The subject's name beside their number: only for a reader who may read
   * the resident directory anyway, and who records whose names were shown.
   */
  residentNames: boolean
}

/**
 * Reads one municipality's audit trail with the filters of the audit
 * viewer. Dates are calendar days in Japan time.
 */
export default class AuditSearch {
  constructor(
    private municipalityId: number,
    private filters: AuditFilters,
    private options: AuditSearchOptions
  ) {}

  async page(page: number) {
    const total = await this.#query().count('* as total').first()
    const rows = await this.#selected()
      .orderBy('audit_events.sequence', 'desc')
      .offset((page - 1) * AUDIT_PAGE_SIZE)
      .limit(AUDIT_PAGE_SIZE)
    return {
      events: rows.map((row) => this.#item(row)),
      total: Number(total?.total ?? 0),
      page,
      pageSize: AUDIT_PAGE_SIZE,
    }
  }

  /**
   * Every matching event, oldest first, fetched a thousand at a time.
   */
  async *all(): AsyncGenerator<AuditListItem> {
    let afterSequence = 0
    for (;;) {
      const rows = await this.#selected()
        .where('audit_events.sequence', '>', afterSequence)
        .orderBy('audit_events.sequence', 'asc')
        .limit(1000)
      for (const row of rows) yield this.#item(row)
      if (rows.length < 1000) return
      afterSequence = Number(rows[rows.length - 1].sequence)
    }
  }

  /**
   * The staff who appear as actors in this municipality, for the filter.
   */
  async actors() {
    return db
      .from('memberships')
      .join('users', 'users.id', 'memberships.user_id')
      .where('memberships.municipality_id', this.municipalityId)
      .whereIn('memberships.role', [
        'municipal_admin',
        'municipal_staff',
        'provider_admin',
        'provider_staff',
      ])
      .distinct('users.id', 'users.full_name')
      .orderBy('users.full_name')
  }

  /** The actions on this municipality's trail, for the filter, in words and in their order */
  async actions(locale: string): Promise<{ value: string; label: string }[]> {
    const rows = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(this.municipalityId))
      .distinct('action')
    const collator = new Intl.Collator(locale)
    return rows
      .map((row) => ({ value: row.action, label: this.options.wording.action(row.action) }))
      .sort((a, b) => collator.compare(a.label, b.label))
  }

  #query(): DatabaseQueryBuilderContract {
    const query = db
      .from('audit_events')
      .where('audit_events.chain_key', chainKeyFor(this.municipalityId))
    const { residentNumber, actorUserId, action, from, to } = this.filters
    if (residentNumber) {
      query.whereIn(
        'audit_events.subject_resident_id',
        db
          .from('residents')
          .where('municipality_id', this.municipalityId)
          .where('resident_number', residentNumber)
          .select('id')
      )
    }
    if (actorUserId) query.where('audit_events.actor_user_id', actorUserId)
    if (action) query.where('audit_events.action', action)
    if (from) {
      query.where('audit_events.occurred_at', '>=', startOfDay(from))
    }
    if (to) {
      query.where('audit_events.occurred_at', '<', startOfDay(to, 1))
    }
    return query
  }

  #selected() {
    const query = this.#query()
      .leftJoin('users', 'users.id', 'audit_events.actor_user_id')
      // The subject is this municipality's resident; names never cross municipalities
      .leftJoin('residents', (join) =>
        join
          .on('residents.id', 'audit_events.subject_resident_id')
          .andOnVal('residents.municipality_id', this.municipalityId)
      )
      .select(
        'audit_events.id',
        'audit_events.sequence',
        'audit_events.occurred_at',
        'audit_events.action',
        'audit_events.outcome',
        'audit_events.actor_role',
        'audit_events.purpose',
        'audit_events.source_ip',
        'audit_events.source_channel',
        'audit_events.destination',
        'users.full_name as actor_name',
        'audit_events.subject_resident_id',
        'residents.resident_number as resident_number'
      )
    if (this.options.residentNames) {
      query.select('residents.family_name', 'residents.given_name')
    }
    return query
  }

  #item(row: Record<string, any>): AuditListItem {
    const words = this.options.wording
    const hasName = this.options.residentNames && row.family_name
    return {
      id: String(row.id),
      sequence: Number(row.sequence),
      occurredAt: DateTime.fromJSDate(new Date(row.occurred_at))
        .setZone(AUDIT_TIME_ZONE)
        .toFormat('yyyy-MM-dd HH:mm:ss'),
      action: row.action,
      title: words.action(row.action),
      outcome: row.outcome,
      outcomeLabel: words.outcome(row.outcome),
      actorName: row.actor_name ?? null,
      actorRole: row.actor_role ?? null,
      roleLabel: words.role(row.actor_role ?? null),
      residentId: row.resident_number ? Number(row.subject_resident_id) : null,
      residentNumber: row.resident_number ?? null,
      residentName: hasName ? `${row.family_name} ${row.given_name}` : null,
      purpose: row.purpose ?? null,
      purposeLabel: words.purpose(row.purpose ?? null),
      sourceIp: row.source_ip ?? null,
      sourceChannel: row.source_channel,
      channelLabel: words.channel(row.source_channel),
      destination: row.destination ?? null,
      destinationLabel: words.destination(row.destination ?? null),
    }
  }
}

function startOfDay(isoDate: string, plusDays = 0) {
  return DateTime.fromISO(isoDate, { zone: AUDIT_TIME_ZONE }).plus({ days: plusDays }).toJSDate()
}
