import { createHmac } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import env from '#start/env'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import { todayInJapan } from '#ledger/coupon_issuance'
import Resident from '#residents/resident'
import Child from '#residents/child'
import ResidentRefusal from '#residents/resident_refusal'
import { staffEvent } from '#audit/staff_action'
import { isUniqueViolation } from '#shared/unique_violation'
import { SEARCH_DOCUMENT, SQLITE_SEARCH_TABLE, TRIGRAM } from '#residents/resident_search_index'
import {
  checkChildDates,
  normalizeResidentNumber,
  phoneDigits,
  searchKana,
} from '#residents/resident_field_rules'
import type { AuditAction, AuditPurpose } from '#audit/audit_vocabulary'

/** What staff enter for a resident (already checked and normalized by the form's rules) */
export type ResidentFields = {
  residentNumber: string
  familyName: string
  givenName: string
  familyNameKana: string
  givenNameKana: string
  phone: string | null
  householdNotes: string | null
}

export type ChildFields = {
  givenName: string | null
  dueDate: string | null
  birthDate: string | null
  multipleBirth: boolean
}

/** A child to add; `count` > 1 adds the children of one multiple birth (twins: 2) */
export type NewChildren = ChildFields & { count?: number }

export type ResidentListItem = {
  id: number
  residentNumber: string
  name: string
  kana: string
  phone: string | null
  childrenCount: number
}

export type ResidentSearchResult = {
  residents: ResidentListItem[]
  total: number
  page: number
  perPage: number
  lastPage: number
  /** The first resident shown, when there is a page before: ask `before` it */
  previousCursor: number | null
  /** The last resident shown, when there is a page after: ask `after` it */
  nextCursor: number | null
}

/**
 * Which page of a list: by number alone (counted from the start), after or
 * before a resident shown on the page beside it (keyset: `page` is then the
 * number shown), or the last page.
 */
export type ListPosition = { page?: number; after?: number; before?: number; last?: boolean }

/** A list's order: columns (all one direction), the id last so that it is total */
type ListOrder = { columns: string[]; descending: boolean }

const NEWEST_FIRST: ListOrder = { columns: ['created_at', 'id'], descending: true }
const BY_KANA: ListOrder = {
  columns: ['family_name_kana', 'given_name_kana', 'id'],
  descending: false,
}

function orderBy(
  builder: { orderBy(column: string, direction: 'asc' | 'desc'): unknown },
  order: ListOrder,
  reversed: boolean
) {
  const direction = order.descending === reversed ? 'asc' : 'desc'
  for (const column of order.columns) builder.orderBy(column, direction)
}

export type ResidentChildView = ChildFields & {
  id: number
  /** Coupon lots issued for this child (their validity does not follow date changes) */
  lotsIssued: number
}

export type ResidentView = ResidentFields & {
  id: number
  hasAccount: boolean
  children: ResidentChildView[]
}

/** What a search query looked like, for the audit trail */
export type QueryKind = 'empty' | 'resident_number' | 'phone' | 'kana' | 'name'

export const SEARCH_PAGE_SIZE = 25
const MAX_TOKENS = 5
const MAX_MULTIPLE_BIRTH = 5

const PURPOSE_SEARCH = 'resident_search'
const PURPOSE_RECORD = 'resident_record'

const RESIDENT_COLUMNS: Record<keyof ResidentFields, string> = {
  residentNumber: 'resident_number',
  familyName: 'family_name',
  givenName: 'given_name',
  familyNameKana: 'family_name_kana',
  givenNameKana: 'given_name_kana',
  phone: 'phone',
  householdNotes: 'household_notes',
}

/** A child's fields and their columns (the audit trail names the columns changed) */
export const CHILD_COLUMNS: Record<keyof ChildFields, string> = {
  givenName: 'given_name',
  dueDate: 'due_date',
  birthDate: 'birth_date',
  multipleBirth: 'multiple_birth',
}

/** LIKE pattern for "contains", with the wildcards of the text escaped ("!" is the escape) */
function contains(text: string) {
  return `%${text.toLowerCase().replaceAll(/[!%_]/g, (char) => `!${char}`)}%`
}

/** What one word of a query is compared with: names, kana, 利用者ID, phone digits */
function tokenPatterns(token: string) {
  const digits = phoneDigits(token)
  return {
    names: [...new Set([token, token.normalize('NFKC')])],
    kana: searchKana(token),
    residentNumber: normalizeResidentNumber(token),
    digits: /^\d+$/.test(digits) ? digits : null,
  }
}

/**
 * The residents of one municipality as staff find and keep them: search
 * (name, kana, 利用者ID, phone), register, edit, and their children. Every
 * query is scoped to the municipality: another municipality's resident or
 * child is "not found" (404), never read or changed. Every read of
 * personal data and every change writes its audit event in the same
 * transaction (fail closed).
 */
export default class ResidentDirectory {
  constructor(
    readonly municipalityId: number,
    private readonly today: () => string = todayInJapan
  ) {}

  /*
  |--------------------------------------------------------------------------
  | Search
  |--------------------------------------------------------------------------
  */

  /**
   * One box for everything: each word of the query must match the name
   * (漢字, as written or after NFKC), the kana (hiragana read as katakana,
   * half-width as full-width), the 利用者ID (full-width letters, digits and
   * dashes as ASCII, any case) or the phone digits (hyphens ignored). An
   * empty query lists the newest residents.
   *
   * Audited as `residents.searched`. A query may be a name or a phone
   * number, which the trail must not hold in clear: it keeps the query's
   * kind and length and an HMAC (keyed with APP_KEY) of the normalized
   * query, so an investigator holding the key can confirm "was X searched
   * for?" while the trail itself, or an export of it, reveals nothing. A
   * query that is a 利用者ID is an identifier and is kept as is. The ids of
   * the residents shown are recorded too: a result list is personal data.
   */
  async search(
    query: string,
    at: number | ListPosition,
    by: StaffAction
  ): Promise<ResidentSearchResult> {
    const normalized = query.normalize('NFKC').trim().replaceAll(/\s+/g, ' ')
    const tokens = normalized === '' ? [] : normalized.split(' ').slice(0, MAX_TOKENS)
    const position = typeof at === 'number' ? { page: at } : at
    const order = tokens.length === 0 ? NEWEST_FIRST : BY_KANA

    return db.transaction(async (trx) => {
      const matching = () => {
        const builder = Resident.query({ client: trx }).where(
          'municipality_id',
          this.municipalityId
        )
        for (const token of tokens) {
          builder.where((match) => this.#matchToken(match, token))
          this.#narrowByIndex(builder, trx, token)
        }
        return builder
      }
      // A search's page by number: its ids and the total in one pass over
      // the matches (the whole list keeps its index-only count and its
      // page read in the order's index)
      const numbered =
        tokens.length > 0 &&
        position.after === undefined &&
        position.before === undefined &&
        !position.last
          ? await this.#numberedIds(matching, order, position)
          : null
      const counted =
        numbered && numbered.length > 0
          ? numbered
          : await matching().count('* as total').pojo<{ total: number | string }>()
      const total = Number(counted[0].total)
      const lastPage = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE))

      const shown = await this.#page(
        trx,
        matching,
        order,
        position,
        total,
        lastPage,
        numbered?.map((row) => Number(row.id))
      )
      const childrenCounts = await this.#childrenCounts(
        trx,
        shown.rows.map((resident) => resident.id)
      )
      const residents = shown.rows.map((resident) => ({
        id: resident.id,
        residentNumber: resident.residentNumber,
        name: `${resident.familyName} ${resident.givenName}`,
        kana: `${resident.familyNameKana} ${resident.givenNameKana}`,
        phone: resident.phone,
        childrenCount: childrenCounts.get(resident.id) ?? 0,
      }))

      const kind = queryKind(normalized)
      await AuditTrail.record(
        {
          ...this.#event('residents.searched', by, PURPOSE_SEARCH),
          details: {
            query_kind: kind,
            query_length: normalized.length,
            ...(kind === 'resident_number' ? { query: normalizeResidentNumber(normalized) } : {}),
            ...(kind !== 'empty' && kind !== 'resident_number'
              ? { query_hmac: queryDigest(normalized) }
              : {}),
            page: shown.page,
            total,
            shown_resident_ids: residents.map((resident) => resident.id),
          },
        },
        trx
      )

      const first = residents.at(0)?.id ?? null
      const last = residents.at(-1)?.id ?? null
      return {
        residents,
        total,
        page: shown.page,
        perPage: SEARCH_PAGE_SIZE,
        lastPage,
        previousCursor: shown.hasPrevious ? first : null,
        nextCursor: shown.hasNext ? last : null,
      }
    })
  }

  /**
   * The rows of one page. After or before a resident of the previous page
   * (keyset): read from that resident's place in the order, so a page costs
   * the same wherever it is and residents registered meanwhile neither
   * repeat a row nor skip one. The last page is read backwards from the
   * end. A page asked by number alone (a bookmark) is counted from the
   * start, on the order's index and the ids only.
   */
  async #page(
    trx: TransactionClientContract,
    matching: () => ModelQueryBuilderContract<typeof Resident>,
    order: ListOrder,
    position: ListPosition,
    total: number,
    lastPage: number,
    numberedIds?: number[]
  ) {
    const size = SEARCH_PAGE_SIZE
    const page = Math.max(1, Math.trunc(position.page ?? 1))
    const cursor = position.after ?? position.before
    const cursorFound =
      cursor !== undefined &&
      (await trx
        .from('residents')
        .where('municipality_id', this.municipalityId)
        .where('id', cursor)
        .first()) !== null

    if (cursor !== undefined && cursorFound) {
      const forward = position.after !== undefined
      const builder = matching()
        .whereRaw(
          `(${order.columns.join(', ')}) ${forward === order.descending ? '<' : '>'} ` +
            `(SELECT ${order.columns.join(', ')} FROM residents WHERE id = ?)`,
          [cursor]
        )
        .limit(size + 1)
      orderBy(builder, order, !forward)
      const rows = await builder
      const more = rows.length > size
      const kept = rows.slice(0, size)
      if (forward) {
        return { rows: kept, page: Math.min(page, lastPage), hasPrevious: true, hasNext: more }
      }
      // Back to the start: the first page, full
      if (rows.length >= size) {
        return {
          rows: kept.reverse(),
          page: more ? Math.max(2, page) : 1,
          hasPrevious: more,
          hasNext: true,
        }
      }
    }

    if (position.last && total > 0) {
      const builder = matching().limit(total - (lastPage - 1) * size)
      orderBy(builder, order, true)
      const rows = await builder
      return { rows: rows.reverse(), page: lastPage, hasPrevious: lastPage > 1, hasNext: false }
    }

    const start = cursor !== undefined ? 1 : page
    const ids = matching()
      .select('id')
      .offset((start - 1) * size)
      .limit(size + 1)
    orderBy(ids, order, false)
    const builder = Resident.query({ client: trx })
    if (numberedIds) builder.whereIn('id', numberedIds)
    else builder.whereIn('id', ids)
    orderBy(builder, order, false)
    const rows = await builder
    return {
      rows: rows.slice(0, size),
      page: start,
      hasPrevious: start > 1 && total > 0,
      hasNext: rows.length > size,
    }
  }

  /**
   * The ids of a page asked by number, each with the count of every match
   * (a window over the matches, so they are read once for both). None
   * past the last page: the total is then counted on its own.
   */
  async #numberedIds(
    matching: () => ModelQueryBuilderContract<typeof Resident>,
    order: ListOrder,
    position: ListPosition
  ) {
    const page = Math.max(1, Math.trunc(position.page ?? 1))
    const ids = matching()
      .select('id')
      .select(db.raw('COUNT(*) OVER () AS total'))
      .offset((page - 1) * SEARCH_PAGE_SIZE)
      .limit(SEARCH_PAGE_SIZE + 1)
    orderBy(ids, order, false)
    return ids.pojo<{ id: number | string; total: number | string }>()
  }

  /** Children per resident, for the residents on the page only */
  async #childrenCounts(trx: TransactionClientContract, residentIds: number[]) {
    if (residentIds.length === 0) return new Map<number, number>()
    const rows = await trx
      .from('children')
      .where('municipality_id', this.municipalityId)
      .whereIn('resident_id', residentIds)
      .groupBy('resident_id')
      .select('resident_id')
      .count('* as children')
    return new Map<number, number>(
      rows.map((row) => [Number(row.resident_id), Number(row.children)])
    )
  }

  #matchToken(match: ModelQueryBuilderContract<typeof Resident>, token: string) {
    const like = (expression: string, text: string) =>
      match.orWhereRaw(`LOWER(${expression}) LIKE ? ESCAPE '!'`, [contains(text)])
    const { names, kana, residentNumber, digits } = tokenPatterns(token)
    // Names as written (NFKC would swap some kanji) and as normalized
    for (const text of names) {
      like('family_name', text)
      like('given_name', text)
      like('family_name || given_name', text)
    }
    like('family_name_kana', kana)
    like('given_name_kana', kana)
    like('family_name_kana || given_name_kana', kana)
    like('resident_number', residentNumber)
    if (digits !== null) like("REPLACE(phone, '-', '')", digits)
  }

  /**
   * The trigram index keeps the rows whose search document contains one of
   * the word's patterns (resident_search_index.ts); #matchToken then tests
   * those rows exactly. A pattern shorter than a trigram cannot use the
   * index: on PostgreSQL the document is still tested first, one LIKE
   * per row that rules out most residents before the exact tests (a scan
   * 1.4 times faster than the exact tests alone); on SQLite such a word is
   * left to the exact tests.
   */
  #narrowByIndex(
    builder: ModelQueryBuilderContract<typeof Resident>,
    trx: TransactionClientContract,
    token: string
  ) {
    const { names, kana, residentNumber, digits } = tokenPatterns(token)
    const texts = [
      ...new Set(
        [...names, kana, residentNumber, ...(digits === null ? [] : [digits])].map((text) =>
          text.toLowerCase()
        )
      ),
    ]
    if (trx.dialect.name === 'postgres') {
      builder.where((narrow) => {
        for (const text of texts) {
          narrow.orWhereRaw(`${SEARCH_DOCUMENT} LIKE ? ESCAPE '!'`, [contains(text)])
        }
      })
      return
    }
    if (texts.some((text) => [...text].length < TRIGRAM)) return
    // FTS5 reads LIKE without ESCAPE only: a word holding a wildcard is left to the exact tests
    if (texts.some((text) => /[%_]/.test(text))) return
    const documents = texts
      .map(() => `SELECT rowid FROM ${SQLITE_SEARCH_TABLE} WHERE document LIKE ?`)
      .join(' UNION ')
    builder.whereRaw(
      `id IN (${documents})`,
      texts.map((text) => `%${text}%`)
    )
  }

  /*
  |--------------------------------------------------------------------------
  | One resident
  |--------------------------------------------------------------------------
  */

  /** The resident of this municipality with that id; 404 for anyone else's */
  async find(residentId: number, client?: TransactionClientContract) {
    return Resident.query({ client })
      .where('municipality_id', this.municipalityId)
      .where('id', residentId)
      .firstOrFail()
  }

  /** The resident's page: details, household notes, children. Audited as `resident.viewed`. */
  async view(residentId: number, by: StaffAction): Promise<ResidentView> {
    return db.transaction(async (trx) => {
      const resident = await this.find(residentId, trx)
      const children = await this.children(resident.id, trx)
      const lotsByChild = await this.lotsByChild(resident.id, trx)

      await AuditTrail.record(
        {
          ...this.#event('resident.viewed', by, PURPOSE_RECORD),
          subjectResidentId: resident.id,
        },
        trx
      )
      return {
        ...residentFields(resident),
        id: resident.id,
        hasAccount: resident.userId !== null,
        children: children.map((child) => ({
          ...childFields(child),
          id: child.id,
          lotsIssued: lotsByChild.get(child.id) ?? 0,
        })),
      }
    })
  }

  /**
   * The resident as the edit form shows it. Audited as `resident.viewed`
   * (the form shows every field).
   */
  async forEditing(residentId: number, by: StaffAction) {
    return db.transaction(async (trx) => {
      const resident = await this.find(residentId, trx)
      await AuditTrail.record(
        {
          ...this.#event('resident.viewed', by, PURPOSE_RECORD),
          subjectResidentId: resident.id,
          details: { form: 'edit' },
        },
        trx
      )
      return { ...residentFields(resident), id: resident.id }
    })
  }

  /*
  |--------------------------------------------------------------------------
  | Changes
  |--------------------------------------------------------------------------
  */

  /**
   * Registers a resident (and the child they expect or have, if given).
   * The 利用者ID must be free in this municipality; the same ID in another
   * municipality is another person.
   */
  async register(fields: ResidentFields, child: NewChildren | null, by: StaffAction) {
    if (child) this.checkChild(child)
    return this.#uniqueNumber(() =>
      db.transaction(async (trx) => {
        await this.#assertNumberFree(trx, fields.residentNumber)
        const resident = await Resident.create(
          { ...fields, municipalityId: this.municipalityId },
          { client: trx }
        )
        const children = child ? await this.#createChildren(trx, resident.id, child) : []
        await AuditTrail.record(
          {
            ...this.#event('resident.registered', by, PURPOSE_RECORD),
            subjectResidentId: resident.id,
            details: { child_ids: children.map((added) => added.id) },
          },
          trx
        )
        return resident
      })
    )
  }

  /**
   * Changes a resident's details, 利用者ID included. Audited as
   * `resident.updated` with the names of the fields changed (never their
   * values: the trail holds no names or notes).
   */
  async update(residentId: number, fields: ResidentFields, by: StaffAction) {
    return this.#uniqueNumber(() =>
      db.transaction(async (trx) => {
        const resident = await this.find(residentId, trx)
        const changed = (Object.keys(RESIDENT_COLUMNS) as (keyof ResidentFields)[]).filter(
          (key) => (resident[key] ?? null) !== (fields[key] ?? null)
        )
        if (changed.includes('residentNumber')) {
          await this.#assertNumberFree(trx, fields.residentNumber, resident.id)
        }
        resident.merge(fields)
        await resident.useTransaction(trx).save()
        await AuditTrail.record(
          {
            ...this.#event('resident.updated', by, PURPOSE_RECORD),
            subjectResidentId: resident.id,
            details: { changed: changed.map((key) => RESIDENT_COLUMNS[key]) },
          },
          trx
        )
        return { resident, changed: changed.map((key) => RESIDENT_COLUMNS[key]) }
      })
    )
  }

  /** Adds a child (or the children of one multiple birth) to a resident */
  async addChildren(residentId: number, child: NewChildren, by: StaffAction) {
    this.checkChild(child)
    return db.transaction(async (trx) => {
      const resident = await this.find(residentId, trx)
      const children = await this.#createChildren(trx, resident.id, child)
      await AuditTrail.record(
        {
          ...this.#event('resident.child_added', by, PURPOSE_RECORD),
          subjectResidentId: resident.id,
          details: { child_ids: children.map((added) => added.id) },
        },
        trx
      )
      return children
    })
  }

  /**
   * Changes a child's dates, name or multiple-birth mark. Lots already
   * issued for the child keep their validity (they are issued data); the
   * audit event says how many there were.
   */
  async updateChild(residentId: number, childId: number, fields: ChildFields, by: StaffAction) {
    this.checkChild(fields)
    return db.transaction(async (trx) => {
      const resident = await this.find(residentId, trx)
      const child = await Child.query({ client: trx })
        .where('municipality_id', this.municipalityId)
        .where('resident_id', resident.id)
        .where('id', childId)
        .firstOrFail()
      const changed = (Object.keys(CHILD_COLUMNS) as (keyof ChildFields)[]).filter(
        (key) => (child[key] ?? null) !== (fields[key] ?? null)
      )
      const lotsIssued = await this.lotsIssued(child.id, trx)
      child.merge(fields)
      await child.useTransaction(trx).save()
      await AuditTrail.record(
        {
          ...this.#event('resident.child_updated', by, PURPOSE_RECORD),
          subjectResidentId: resident.id,
          details: {
            child_id: child.id,
            changed: changed.map((key) => CHILD_COLUMNS[key]),
            lots_issued: lotsIssued,
          },
        },
        trx
      )
      return { child, changed: changed.map((key) => CHILD_COLUMNS[key]), lotsIssued }
    })
  }

  /*
  |--------------------------------------------------------------------------
  | Helpers
  |--------------------------------------------------------------------------
  */

  #event(action: AuditAction, by: StaffAction, purpose: AuditPurpose) {
    return staffEvent(this.municipalityId, by, { action, purpose })
  }

  /** A resident's children, the youngest (or the one expected) first */
  children(residentId: number, client?: TransactionClientContract) {
    return Child.query({ client })
      .where('municipality_id', this.municipalityId)
      .where('resident_id', residentId)
      .orderByRaw('COALESCE(birth_date, due_date) DESC')
      .orderBy('id')
  }

  /** How many coupon lots were issued for each of a resident's children (child id → lots) */
  async lotsByChild(residentId: number, client?: TransactionClientContract) {
    const rows = await (client ?? db)
      .from('ledger_lots')
      .where('municipality_id', this.municipalityId)
      .where('resident_id', residentId)
      .whereNotNull('child_id')
      .groupBy('child_id')
      .select('child_id')
      .count('* as lots')
    return new Map<number, number>(rows.map((row) => [Number(row.child_id), Number(row.lots)]))
  }

  /** How many coupon lots were issued for one child */
  async lotsIssued(childId: number, client?: TransactionClientContract) {
    const row = await (client ?? db)
      .from('ledger_lots')
      .where('municipality_id', this.municipalityId)
      .where('child_id', childId)
      .count('* as lots')
      .first()
    return Number(row?.lots ?? 0)
  }

  /** A due date or a birth date, neither impossible (ResidentRefusal under the field) */
  checkChild(child: ChildFields) {
    const problem = checkChildDates(child, this.today())
    if (problem) throw new ResidentRefusal(problem.field, problem.code)
  }

  async #createChildren(trx: TransactionClientContract, residentId: number, child: NewChildren) {
    const count = Math.min(Math.max(1, Math.trunc(child.count ?? 1)), MAX_MULTIPLE_BIRTH)
    const rows = Array.from({ length: count }, () => ({
      municipalityId: this.municipalityId,
      residentId,
      // One name cannot be every twin's: each is named on its own later
      givenName: count > 1 ? null : child.givenName,
      dueDate: child.dueDate,
      birthDate: child.birthDate,
      multipleBirth: child.multipleBirth || count > 1,
    }))
    return Child.createMany(rows, { client: trx })
  }

  async #assertNumberFree(
    trx: TransactionClientContract,
    residentNumber: string,
    exceptId?: number
  ) {
    const query = trx
      .from('residents')
      .where('municipality_id', this.municipalityId)
      .where('resident_number', residentNumber)
    if (exceptId !== undefined) query.whereNot('id', exceptId)
    if (await query.first()) throw new ResidentRefusal('resident_number', 'resident_number_taken')
  }

  /** Two staff saving the same new 利用者ID at once: the unique index decides, same answer */
  async #uniqueNumber<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ResidentRefusal('resident_number', 'resident_number_taken')
      }
      throw error
    }
  }
}

function residentFields(resident: Resident): ResidentFields {
  return {
    residentNumber: resident.residentNumber,
    familyName: resident.familyName,
    givenName: resident.givenName,
    familyNameKana: resident.familyNameKana,
    givenNameKana: resident.givenNameKana,
    phone: resident.phone,
    householdNotes: resident.householdNotes,
  }
}

function childFields(child: Child): ChildFields {
  return {
    givenName: child.givenName,
    dueDate: child.dueDate,
    birthDate: child.birthDate,
    multipleBirth: child.multipleBirth,
  }
}

/** What a query was, without keeping it: 利用者ID, phone digits, kana or a name */
export function queryKind(query: string): QueryKind {
  if (query === '') return 'empty'
  const residentNumber = normalizeResidentNumber(query)
  if (/^[0-9A-Za-z][0-9A-Za-z_-]*$/.test(residentNumber) && /[A-Za-z]/.test(residentNumber)) {
    return /\d/.test(residentNumber) ? 'resident_number' : 'name'
  }
  if (/^[\d\s-]+$/.test(residentNumber)) return 'phone'
  if (/^[\u3041-\u309F\u30A0-\u30FF\s]+$/.test(query)) return 'kana'
  return 'name'
}

/** HMAC-SHA256 of the normalized query, keyed with APP_KEY (hex) */
export function queryDigest(query: string) {
  return createHmac('sha256', env.get('APP_KEY').release())
    .update(`residents.search:${query}`)
    .digest('hex')
}
