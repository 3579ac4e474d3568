import {
  DEFAULT_IMPORT_LIMITS,
  MEGABYTE,
  type ImportLimits,
} from '#residents/resident_import_limits'
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import type { CsvSourceEncoding } from '#csv/csv_decoding'
import ImportIssues, { type ImportIssue } from '#csv/import_issues'
import { insertRows, reserveIds } from '#residents/resident_bulk_writes'
import {
  SQLITE_SEARCH_INSERT_TRIGGER,
  SQLITE_SEARCH_INSERT_TRIGGER_SQL,
  sqliteSearchFill,
} from '#residents/resident_search_index'
import ResidentCsvReader, {
  type ChildFacts,
  type ResidentCsv,
  type ResidentRow,
} from '#residents/resident_csv_reader'

export type ImportReport = {
  encoding: CsvSourceEncoding | null
  /** Data rows read (blank rows are skipped) */
  rows: number
  rowsWithErrors: number
  /** What the rows without errors do (or did, once committed) */
  toCreate: number
  toUpdate: number
  unchanged: number
  childrenToAdd: number
  childrenToUpdate: number
  /** How many problems were found; `errors` lists the first `maxListedErrors` */
  errorCount: number
  errors: ImportIssue[]
  /** True once the changes are saved (commit without errors) */
  committed: boolean
}

export type ImportProgress = { phase: 'checking' | 'writing'; done: number; total: number }

export type ImportOptions = {
  onProgress?: (progress: ImportProgress) => void
  /** Runs in the commit's transaction after the rows are written (the CSV job marks itself done) */
  beforeCommit?: (trx: TransactionClientContract, report: ImportReport) => Promise<void>
}

/** Who imports: the audit event's actor and source */
export type ImportActor = {
  actorUserId: number | null
  actorRole: string | null
  source: AuditSource
  destination?: string | null
}

export { DEFAULT_IMPORT_LIMITS, type ImportLimits }

type StoredResident = { id: number } & Pick<
  ResidentRow,
  'residentNumber' | 'familyName' | 'givenName' | 'familyNameKana' | 'givenNameKana' | 'phone'
>

type StoredChild = {
  id: number
  residentId: number
  dueDate: string | null
  birthDate: string | null
  multipleBirth: boolean
}

type Plan = {
  creates: ResidentRow[]
  /** Residents whose names or phone the row changes */
  updates: { id: number; row: ResidentRow }[]
  /** A new resident's child is found by its 利用者ID, a stored one's by its id */
  childAdds: { residentNumber: string; residentId: number | null; child: ChildFacts }[]
  childUpdates: { id: number; changes: Partial<ChildFacts> }[]
  toUpdate: number
  unchanged: number
}

const QUERY_CHUNK = 1000
/** Residents changed per UPDATE: SQLite binds 6 values a row, PostgreSQL 6 arrays */
const SQLITE_UPDATE_CHUNK = 500
const PG_UPDATE_CHUNK = 10_000
const PROGRESS_EVERY = 5000
/**
 * New residents from which SQLite indexes them for search in one statement
 * (the insert trigger set aside inside the transaction, then put back)
 */
const SQLITE_BULK_SEARCH_INDEX = 1000
/** Rows written from which PostgreSQL's statistics are refreshed at once */
const ANALYZE_AFTER_ROWS = 1000

const RESIDENT_COLUMNS = [
  'id',
  'municipality_id',
  'resident_number',
  'family_name',
  'given_name',
  'family_name_kana',
  'given_name_kana',
  'phone',
  'created_at',
  'updated_at',
] as const

const CHILD_COLUMNS = [
  'municipality_id',
  'resident_id',
  'due_date',
  'birth_date',
  'multiple_birth',
  'created_at',
  'updated_at',
] as const

/**
 * Bulk registration of residents from a CSV file as municipal staff keep
 * it in Excel. `preview` reads and checks the whole file against the
 * municipality's residents and reports what would change and every
 * problem (row, column, reason); `commit` does the same inside one
 * transaction and, when there is no problem at all, saves everything and
 * one audit event, or nothing.
 *
 * Residents are matched by 利用者ID within the municipality only: the same
 * ID in another municipality is another person and is never read or
 * changed. An import never erases: a blank phone or child cell keeps what
 * is stored. A row's child is added unless the resident already has a
 * child with the same due date or birth date; a matched child gains a date
 * it lacked, and a recorded date that differs is refused (change it on
 * screen). Importing the same file twice changes nothing the second time.
 */
export default class ResidentImport {
  readonly limits: ImportLimits

  constructor(limits: Partial<ImportLimits> = {}) {
    this.limits = { ...DEFAULT_IMPORT_LIMITS, ...limits }
  }

  /** What importing the file would do, and every problem; saves nothing */
  async preview(municipalityId: number, bytes: Uint8Array, options: ImportOptions = {}) {
    const issues = new ImportIssues(this.limits.maxListedErrors)
    const read = await this.#read(bytes, issues)
    if (!read) return this.#report(null, issues, null, false)
    const plan = await this.#plan(db.connection(), municipalityId, read, issues, options)
    return this.#report(read, issues, plan, false)
  }

  /**
   * Checks the file again and, if there is no problem, saves every row and
   * the audit event `residents.imported` in one transaction. With any
   * problem nothing is saved and the report says why. A commit that
   * changes nothing (the same file again) is still audited, with zero
   * counts: staff did import, and every resident listed was compared.
   */
  async commit(
    municipalityId: number,
    bytes: Uint8Array,
    by: ImportActor,
    options: ImportOptions = {}
  ): Promise<ImportReport> {
    const issues = new ImportIssues(this.limits.maxListedErrors)
    const read = await this.#read(bytes, issues)
    if (!read) return this.#report(null, issues, null, false)
    if (issues.count > 0) {
      // Refused: the same report a preview gives, and nothing written
      const plan = await this.#plan(db.connection(), municipalityId, read, issues, options)
      return this.#report(read, issues, plan, false)
    }

    const committed = await db.transaction(async (trx) => {
      await this.#excludeOtherImports(trx, municipalityId)
      // Planned inside the transaction: what we compare is what we change.
      const plan = await this.#plan(trx, municipalityId, read, issues, options)
      if (issues.count > 0) return this.#report(read, issues, plan, false)

      await this.#write(trx, municipalityId, plan, options)
      const report = this.#report(read, issues, plan, true)
      await AuditTrail.record(
        {
          municipalityId,
          action: 'residents.imported',
          actorUserId: by.actorUserId,
          actorRole: by.actorRole,
          source: by.source,
          destination: by.destination ?? null,
          details: {
            rows: report.rows,
            created: report.toCreate,
            updated: report.toUpdate,
            unchanged: report.unchanged,
            children_added: report.childrenToAdd,
            children_updated: report.childrenToUpdate,
            encoding: report.encoding,
            // Which file it was, without its contents
            file_sha256: createHash('sha256').update(bytes).digest('hex'),
          },
        },
        trx
      )
      await options.beforeCommit?.(trx, report)
      return report
    })
    if (committed.committed) await this.#refreshStatistics(committed)
    return committed
  }

  /**
   * Planner statistics after the import. SQLite keeps none by itself:
   * after thousands of new rows its planner would read the residents list
   * through the wrong index. PostgreSQL's autovacuum gets there, but a
   * while later; until then it takes a municipality that just gained
   * 100,000 residents for one of a few hundred and scans them all to find
   * 1,000 IDs (the next import's check took 20 s instead of 2 s). So an
   * import that wrote what autovacuum would analyze for (10 % of the
   * table) analyzes at once.
   */
  async #refreshStatistics(report: ImportReport) {
    if (db.connection().dialect.name !== 'postgres') {
      await db.rawQuery('PRAGMA optimize = 0x10002')
      return
    }
    const written = report.toCreate + report.toUpdate + report.childrenToAdd
    const result = await db.rawQuery(
      "SELECT GREATEST(reltuples, 0) AS estimated FROM pg_class WHERE oid = 'residents'::regclass"
    )
    const estimated = Number(result.rows[0]?.estimated ?? 0)
    if (written >= ANALYZE_AFTER_ROWS && written >= estimated * 0.1) {
      await db.rawQuery('ANALYZE residents, children')
    }
  }

  /** The report for a file refused by its size alone, before reading it (the ace command) */
  oversizeReport(byteLength: number): ImportReport | null {
    const issues = new ImportIssues(this.limits.maxListedErrors)
    if (!this.#sizeAccepted(byteLength, issues)) return this.#report(null, issues, null, false)
    return null
  }

  async #read(bytes: Uint8Array, issues: ImportIssues) {
    if (!this.#sizeAccepted(bytes.length, issues)) return null
    return new ResidentCsvReader(this.limits.maxRows).read(bytes, issues)
  }

  #sizeAccepted(byteLength: number, issues: ImportIssues) {
    if (byteLength <= this.limits.maxBytes) return true
    issues.add({
      row: null,
      column: null,
      code: 'file_too_large',
      values: {
        limit: Math.floor((this.limits.maxBytes / MEGABYTE) * 10) / 10,
        size: Math.ceil((byteLength / MEGABYTE) * 10) / 10,
      },
    })
    return false
  }

  /*
  | Planning: compares the checked rows with what the municipality has,
  | a chunk of IDs at a time, and lists the writes. Child dates that
  | contradict a recorded child are refused here.
  */
  async #plan(
    client: QueryClientContract,
    municipalityId: number,
    read: ResidentCsv,
    issues: ImportIssues,
    options: ImportOptions
  ): Promise<Plan> {
    const plan: Plan = {
      creates: [],
      updates: [],
      childAdds: [],
      childUpdates: [],
      toUpdate: 0,
      unchanged: 0,
    }
    for (let start = 0; start < read.rows.length; start += QUERY_CHUNK) {
      const rows = read.rows.slice(start, start + QUERY_CHUNK)
      const stored = await this.#storedResidents(client, municipalityId, rows)
      const children = await this.#storedChildren(
        client,
        municipalityId,
        rows.flatMap((row) => {
          const resident = stored.get(row.residentNumber)
          return row.child && resident ? [resident.id] : []
        })
      )
      for (const row of rows) {
        const resident = stored.get(row.residentNumber)
        if (!resident) {
          plan.creates.push(row)
          const child = row.child
          if (child)
            plan.childAdds.push({ residentNumber: row.residentNumber, residentId: null, child })
          continue
        }
        const child = row.child
          ? this.#planChild(plan, row, resident.id, children.get(resident.id) ?? [], read, issues)
          : 'unchanged'
        // A refused row is counted nowhere, like the rows refused on reading
        if (child === 'refused') continue
        const changed = residentChanged(resident, row)
        if (changed) plan.updates.push({ id: resident.id, row })
        if (changed || child === 'changed') plan.toUpdate++
        else plan.unchanged++
      }
      options.onProgress?.({
        phase: 'checking',
        done: Math.min(start + QUERY_CHUNK, read.rows.length),
        total: read.rows.length,
      })
    }
    return plan
  }

  /** Adds or completes the row's child, or refuses a date that contradicts the recorded one */
  #planChild(
    plan: Plan,
    row: ResidentRow,
    residentId: number,
    children: StoredChild[],
    read: ResidentCsv,
    issues: ImportIssues
  ): 'changed' | 'unchanged' | 'refused' {
    const child = row.child!
    const sameDay = (stored: StoredChild) =>
      Number(child.birthDate !== null && stored.birthDate === child.birthDate) +
      Number(child.dueDate !== null && stored.dueDate === child.dueDate)
    const match = children
      .filter((stored) => sameDay(stored) > 0)
      .sort((a, b) => sameDay(b) - sameDay(a))[0]
    if (!match) {
      plan.childAdds.push({ residentNumber: row.residentNumber, residentId, child })
      return 'changed'
    }

    const changes: Partial<ChildFacts> = {}
    for (const [key, field] of [
      ['dueDate', 'childDueDate'],
      ['birthDate', 'childBirthDate'],
    ] as const) {
      if (child[key] === null || match[key] === child[key]) continue
      if (match[key] === null) {
        changes[key] = child[key]
      } else {
        issues.add({
          row: row.row,
          column: read.headers.get(field) ?? null,
          code: 'child_date_conflict',
        })
        read.rowsWithErrors.add(row.row)
        return 'refused'
      }
    }
    if (child.multipleBirth !== null && child.multipleBirth !== match.multipleBirth) {
      changes.multipleBirth = child.multipleBirth
    }
    if (Object.keys(changes).length === 0) return 'unchanged'
    plan.childUpdates.push({ id: match.id, changes })
    return 'changed'
  }

  async #storedResidents(client: QueryClientContract, municipalityId: number, rows: ResidentRow[]) {
    const found = await whereAnyOf(
      client,
      client.from('residents').where('municipality_id', municipalityId),
      'resident_number',
      rows.map((row) => row.residentNumber)
    ).select(
      'id',
      'resident_number',
      'family_name',
      'given_name',
      'family_name_kana',
      'given_name_kana',
      'phone'
    )
    return new Map<string, StoredResident>(
      found.map((resident) => [
        resident.resident_number,
        {
          id: Number(resident.id),
          residentNumber: resident.resident_number,
          familyName: resident.family_name,
          givenName: resident.given_name,
          familyNameKana: resident.family_name_kana,
          givenNameKana: resident.given_name_kana,
          phone: resident.phone,
        },
      ])
    )
  }

  async #storedChildren(
    client: QueryClientContract,
    municipalityId: number,
    residentIds: number[]
  ) {
    const byResident = new Map<number, StoredChild[]>()
    if (residentIds.length === 0) return byResident
    const found = await whereAnyOf(
      client,
      client.from('children').where('municipality_id', municipalityId),
      'resident_id',
      residentIds
    ).select('id', 'resident_id', 'due_date', 'birth_date', 'multiple_birth')
    for (const child of found) {
      const residentId = Number(child.resident_id)
      const list = byResident.get(residentId) ?? []
      list.push({
        id: Number(child.id),
        residentId,
        dueDate: child.due_date,
        birthDate: child.birth_date,
        multipleBirth: Boolean(child.multiple_birth),
      })
      byResident.set(residentId, list)
    }
    return byResident
  }

  /*
  | Writing, in bulk (resident_bulk_writes.ts): new residents with ids
  | taken beforehand, so that their children are written in bulk too;
  | changed residents a batch at a time; children.
  */
  async #write(
    trx: TransactionClientContract,
    municipalityId: number,
    plan: Plan,
    options: ImportOptions
  ) {
    const now = DateTime.now().toFormat(trx.dialect.dateTimeFormat)
    // Residents, their updates and their children are written one after
    // the other; the page counts the file's rows, so the writes are told as
    // the share of the rows they stand for (30,000 rows with a child each
    // are 30,000 rows, not 60,000)
    const writes = plan.creates.length + plan.updates.length + plan.childAdds.length
    const rows = plan.creates.length + plan.toUpdate
    let done = 0
    const progress = (count: number) => {
      const before = Math.floor(done / PROGRESS_EVERY)
      done += count
      if (Math.floor(done / PROGRESS_EVERY) > before || done === writes) {
        options.onProgress?.({
          phase: 'writing',
          done: done === writes ? rows : Math.floor((done / writes) * rows),
          total: rows,
        })
      }
    }

    const ids = await reserveIds(trx, 'residents', plan.creates.length)
    const newIds = new Map(plan.creates.map((row, index) => [row.residentNumber, ids[index]]))
    // SQLite: many new residents are indexed for search in one statement
    const searchInBulk = trx.dialect.name !== 'postgres' && ids.length >= SQLITE_BULK_SEARCH_INDEX
    if (searchInBulk) await trx.rawQuery(`DROP TRIGGER ${SQLITE_SEARCH_INSERT_TRIGGER}`)
    await insertRows(
      trx,
      'residents',
      RESIDENT_COLUMNS,
      plan.creates.map((row, index) => [
        ids[index],
        municipalityId,
        row.residentNumber,
        row.familyName,
        row.givenName,
        row.familyNameKana,
        row.givenNameKana,
        row.phone,
        now,
        now,
      ]),
      progress
    )
    if (searchInBulk) {
      // The ids are consecutive (reserveIds); the transaction holds the write lock
      await trx.rawQuery(sqliteSearchFill('id BETWEEN ? AND ?'), [ids[0], ids.at(-1)!])
      await trx.rawQuery(SQLITE_SEARCH_INSERT_TRIGGER_SQL)
    }

    const perUpdate = trx.dialect.name === 'postgres' ? PG_UPDATE_CHUNK : SQLITE_UPDATE_CHUNK
    for (let start = 0; start < plan.updates.length; start += perUpdate) {
      const updates = plan.updates.slice(start, start + perUpdate)
      await this.#updateResidents(trx, municipalityId, updates, now)
      progress(updates.length)
    }

    await insertRows(
      trx,
      'children',
      CHILD_COLUMNS,
      plan.childAdds.map(({ residentId, residentNumber, child }) => [
        municipalityId,
        residentId ?? newIds.get(residentNumber)!,
        child.dueDate,
        child.birthDate,
        child.multipleBirth ?? false,
        now,
        now,
      ]),
      progress
    )

    for (const { id, changes } of plan.childUpdates) {
      await trx
        .from('children')
        .where({ id, municipality_id: municipalityId })
        .update({ ...childColumns(changes), updated_at: now })
    }
  }

  /**
   * Rewrites the names (and the phone, when the file gives one) of many
   * residents in one statement. PostgreSQL reads them from arrays
   * (UPDATE … FROM unnest), SQLite from a VALUES list (3.33+). One UPDATE
   * per row was 4,500 rows/s on PostgreSQL.
   */
  async #updateResidents(
    trx: TransactionClientContract,
    municipalityId: number,
    updates: Plan['updates'],
    now: string
  ) {
    // '' for "not given": PostgreSQL arrays and Lucid's bindings take no NULL
    const phone = (row: ResidentRow) => row.phone ?? ''
    const set = `family_name = changed.family_name,
         given_name = changed.given_name,
         family_name_kana = changed.family_name_kana,
         given_name_kana = changed.given_name_kana,
         phone = COALESCE(NULLIF(changed.phone, ''), residents.phone),
         updated_at = ?`
    if (trx.dialect.name === 'postgres') {
      await trx.rawQuery(
        `UPDATE residents SET ${set}
         FROM unnest(?::integer[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
           AS changed (id, family_name, given_name, family_name_kana, given_name_kana, phone)
         WHERE residents.id = changed.id AND residents.municipality_id = ?`,
        [
          now,
          updates.map(({ id }) => id),
          updates.map(({ row }) => row.familyName),
          updates.map(({ row }) => row.givenName),
          updates.map(({ row }) => row.familyNameKana),
          updates.map(({ row }) => row.givenNameKana),
          updates.map(({ row }) => phone(row)),
          municipalityId,
        ]
      )
      return
    }
    const placeholders = updates.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')
    const bindings = updates.flatMap(({ id, row }) => [
      id,
      row.familyName,
      row.givenName,
      row.familyNameKana,
      row.givenNameKana,
      phone(row),
    ])
    await trx.rawQuery(
      `WITH changed (id, family_name, given_name, family_name_kana, given_name_kana, phone)
         AS (VALUES ${placeholders})
       UPDATE residents SET ${set}
       FROM changed
       WHERE residents.id = changed.id AND residents.municipality_id = ?`,
      [...bindings, now, municipalityId]
    )
  }

  /**
   * One import per municipality at a time: two imports planning against
   * the same residents would both add the same child. PostgreSQL takes a
   * transaction-scoped advisory lock (other work goes on); SQLite takes its
   * write lock now rather than failing to upgrade a read lock later.
   */
  async #excludeOtherImports(trx: TransactionClientContract, municipalityId: number) {
    if (trx.dialect.name === 'postgres') {
      await trx.rawQuery("SELECT pg_advisory_xact_lock(hashtext('residents.import'), ?)", [
        municipalityId,
      ])
    } else {
      await trx.rawQuery('UPDATE residents SET municipality_id = municipality_id WHERE 1 = 0')
    }
  }

  #report(
    read: ResidentCsv | null,
    issues: ImportIssues,
    plan: Plan | null,
    committed: boolean
  ): ImportReport {
    const childrenToAdd = plan?.childAdds.length ?? 0
    return {
      encoding: read?.encoding ?? null,
      rows: read?.dataRows ?? 0,
      rowsWithErrors: read?.rowsWithErrors.size ?? 0,
      toCreate: plan?.creates.length ?? 0,
      toUpdate: plan?.toUpdate ?? 0,
      unchanged: plan?.unchanged ?? 0,
      childrenToAdd,
      childrenToUpdate: plan?.childUpdates.length ?? 0,
      errorCount: issues.count,
      errors: issues.sorted(),
      committed,
    }
  }
}

/**
 * `column IN (values)`; on PostgreSQL `column = ANY(array)`, one parameter
 * instead of a thousand: planned in microseconds rather than milliseconds.
 */
function whereAnyOf(
  client: QueryClientContract,
  query: DatabaseQueryBuilderContract,
  column: string,
  values: string[] | number[]
) {
  if (client.dialect.name !== 'postgres') return query.whereIn(column, values)
  return query.whereRaw(`?? = ANY(?)`, [column, values])
}

/** Whether the row changes the resident's names or phone; a blank phone changes nothing */
function residentChanged(stored: StoredResident, row: ResidentRow) {
  const names = ['familyName', 'givenName', 'familyNameKana', 'givenNameKana'] as const
  return (
    names.some((key) => stored[key] !== row[key]) ||
    (row.phone !== null && stored.phone !== row.phone)
  )
}

function childColumns(changes: Partial<ChildFacts>) {
  const columns: Record<string, string | boolean | null> = {}
  if (changes.dueDate !== undefined) columns.due_date = changes.dueDate
  if (changes.birthDate !== undefined) columns.birth_date = changes.birthDate
  if (changes.multipleBirth !== undefined) columns.multiple_birth = changes.multipleBirth
  return columns
}
