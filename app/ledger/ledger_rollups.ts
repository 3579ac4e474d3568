/*
|--------------------------------------------------------------------------
| The ledger's month rollups
|--------------------------------------------------------------------------
| Month figures the statistics and usage screens show. Triggers on
| ledger_lots and ledger_redemptions append every change of a row (issue,
| reserve, approve, reject, correct, cancel, revoke, a row written by a
| test or an import) to ledger_rollup_changes, in the change's own
| transaction: the row's old figures taken away (-1), its new ones added
| (+1); a rollback leaves nothing. A refresh (LedgerRollupRefresh) folds
| the appended changes into the tables below; the screens refresh before
| they read, and a job every minute keeps that fold small. So the figures
| are exact, each posting appends one row instead of updating a month's
| shared totals (concurrent postings queued on those), and a fold costs
| what changed, not the size of the month.
|
| - ledger_usage_totals: redemptions not replaced by a correction, per
|   municipality, month of the visit date, program, service, facility
|   (0: none) and status: visits and minutes (the usage screen's totals).
| - ledger_month_residents: who was active in a month, per scope: lots
|   created in the month (Japan time) and not revoked ('granted'), posted
|   redemptions by visit month ('used'); per program and for every program
|   (ALL_PROGRAMS), per facility and for every facility (ALL_FACILITIES):
|   how many lots or visits and their minutes. Distinct residents cannot
|   be added up across scopes, so each scope has its own rows.
| - ledger_month_totals: the same per scope without the resident: how many
|   residents (the rows above), lots or visits, minutes. A screen reads
|   one row per figure.
|
| A row whose count reaches 0 is deleted, so each table equals, row for
| row, the aggregate written from scratch (`rebuildStatements`, run by the
| migration; `differenceQueries`, checked by ledger:verify after a
| refresh).
|
| SQLite rebuilds a table to drop a column: a migration that does so on
| ledger_lots or ledger_redemptions must put these triggers back.
*/

export const ALL_PROGRAMS = ''
/** Every facility, in ledger_month_* rows; a lot belongs to none, so its rows have only this one */
export const ALL_FACILITIES = -1
/** A visit at no facility */
export const NO_FACILITY = 0

/** The time zone of a lot's month (Japan keeps no daylight saving time: +9 hours on SQLite) */
export const ROLLUP_TIME_ZONE = 'Asia/Tokyo'

export const ROLLUP_TABLES = [
  'ledger_usage_totals',
  'ledger_month_residents',
  'ledger_month_totals',
] as const

type Source = {
  table: 'ledger_lots' | 'ledger_redemptions'
  kind: 'granted' | 'used'
  /** The columns whose change moves a row from one rollup row to another */
  columns: string[]
  /** Whether a row counts (`row` is a prefix such as "NEW.", or "") */
  counts: (row: string) => string
  month: (row: string) => string
  minutes: (row: string) => string
  facility: (row: string) => string
}

const MEMBER_KEY = [
  'municipality_id',
  'kind',
  'plugin_id',
  'program_code',
  'month',
  'facility_id',
  'resident_id',
]
const TOTAL_KEY = MEMBER_KEY.slice(0, -1)
const USAGE_KEY = [
  'municipality_id',
  'month',
  'plugin_id',
  'program_code',
  'service',
  'facility_id',
  'status',
]

function sources(dialect: string): Source[] {
  const postgres = dialect === 'postgres'
  const visitMonth = (row: string) => `SUBSTR(${row}visit_date, 1, 7)`
  return [
    {
      table: 'ledger_lots',
      kind: 'granted',
      columns: [
        'municipality_id',
        'resident_id',
        'plugin_id',
        'program_code',
        'status',
        'granted_minutes',
        'created_at',
      ],
      counts: (row) => `${row}status <> 'revoked'`,
      // The app writes SQLite instants as milliseconds; a text instant is read as UTC
      month: (row) =>
        postgres
          ? `TO_CHAR(${row}created_at AT TIME ZONE '${ROLLUP_TIME_ZONE}', 'YYYY-MM')`
          : `(CASE WHEN typeof(${row}created_at) IN ('integer', 'real') ` +
            `THEN strftime('%Y-%m', ${row}created_at / 1000, 'unixepoch', '+9 hours') ` +
            `ELSE strftime('%Y-%m', ${row}created_at, '+9 hours') END)`,
      minutes: (row) => `${row}granted_minutes`,
      facility: () => String(ALL_FACILITIES),
    },
    {
      table: 'ledger_redemptions',
      kind: 'used',
      columns: [
        'municipality_id',
        'resident_id',
        'plugin_id',
        'program_code',
        'service',
        'status',
        'visit_date',
        'minutes',
        'facility_id',
        'replaced_by_redemption_id',
      ],
      counts: (row) => `${row}status = 'posted'`,
      month: visitMonth,
      minutes: (row) => `${row}minutes`,
      facility: (row) => `COALESCE(${row}facility_id, ${NO_FACILITY})`,
    },
  ]
}

/** The scopes a row counts in: its program and every program, its facility and every facility */
function scopes(source: Source, row: string) {
  const programs = [
    [`${row}plugin_id`, `${row}program_code`],
    [`'${ALL_PROGRAMS}'`, `'${ALL_PROGRAMS}'`],
  ]
  const facilities =
    source.kind === 'used'
      ? [source.facility(row), String(ALL_FACILITIES)]
      : [String(ALL_FACILITIES)]
  return programs.flatMap(([plugin, program]) =>
    facilities.map((facility) => ({ plugin, program, facility }))
  )
}

/** A GROUP BY of the key's expressions, leaving out its constants (a number there names a column) */
const groupBy = (key: string[]) =>
  `GROUP BY ${key.filter((expression) => !/^('[^']*'|-?\d+)$/.test(expression)).join(', ')}`

const named = (expressions: string[], columns: string[]) =>
  expressions.map((expression, index) => `${expression} AS ${columns[index]}`).join(', ')

/** The rollup rows from scratch, one SELECT per table, in the tables' column order */
function fromScratch(dialect: string) {
  const [lots, redemptions] = sources(dialect)
  const members = [lots, redemptions].flatMap((source) =>
    scopes(source, '').map((scope) => {
      const key = [
        'municipality_id',
        `'${source.kind}'`,
        scope.plugin,
        scope.program,
        source.month(''),
        scope.facility,
        'resident_id',
      ]
      return (
        `SELECT ${named(key, MEMBER_KEY)}, COUNT(*) AS items, SUM(${source.minutes('')}) AS minutes ` +
        `FROM ${source.table} WHERE ${source.counts('')} ${groupBy(key)}`
      )
    })
  )
  const usageKey = [
    'municipality_id',
    redemptions.month(''),
    'plugin_id',
    'program_code',
    'service',
    redemptions.facility(''),
    'status',
  ]
  const membersFromScratch = members.join(' UNION ALL ')
  return {
    ledger_usage_totals:
      `SELECT ${named(usageKey, USAGE_KEY)}, COUNT(*) AS visits, SUM(minutes) AS minutes ` +
      `FROM ledger_redemptions WHERE replaced_by_redemption_id IS NULL ${groupBy(usageKey)}`,
    ledger_month_residents: membersFromScratch,
    ledger_month_totals:
      `SELECT ${TOTAL_KEY.join(', ')}, COUNT(*) AS residents, SUM(items) AS items, SUM(minutes) AS minutes ` +
      `FROM (${membersFromScratch}) AS members GROUP BY ${TOTAL_KEY.join(', ')}`,
  }
}

/** Each rollup table's key (its primary key) */
export const ROLLUP_KEYS = {
  ledger_usage_totals: USAGE_KEY,
  ledger_month_residents: MEMBER_KEY,
  ledger_month_totals: TOTAL_KEY,
}

/** Each rollup table's figures after its key */
export const ROLLUP_FIGURES = {
  ledger_usage_totals: ['visits', 'minutes'],
  ledger_month_residents: ['items', 'minutes'],
  ledger_month_totals: ['residents', 'items', 'minutes'],
}

const COLUMNS = Object.fromEntries(
  ROLLUP_TABLES.map((table) => [table, [...ROLLUP_KEYS[table], ...ROLLUP_FIGURES[table]]])
) as Record<(typeof ROLLUP_TABLES)[number], string[]>

/** Fills the rollups from the ledger as it is (the tables emptied first) */
export function rebuildStatements(dialect: string) {
  const selects = fromScratch(dialect)
  return ROLLUP_TABLES.flatMap((table) => [
    `DELETE FROM ${table}`,
    `INSERT INTO ${table} (${COLUMNS[table].join(', ')}) ${selects[table]}`,
  ])
}

/**
 * One query per table counting the rows that differ from the aggregate
 * written from scratch (missing, extra or with other figures): all 0 when
 * the rollups are exact.
 */
export function differenceQueries(dialect: string) {
  const selects = fromScratch(dialect)
  return ROLLUP_TABLES.map((table) => {
    const stored = `SELECT ${COLUMNS[table].join(', ')} FROM ${table}`
    // In a subquery: EXCEPT would otherwise bind to the last SELECT of a UNION ALL
    const expected = `SELECT * FROM (${selects[table]}) AS expected`
    return {
      table,
      sql:
        `SELECT (SELECT COUNT(*) FROM (${expected} EXCEPT ${stored}) AS missing) + ` +
        `(SELECT COUNT(*) FROM (${stored} EXCEPT ${expected}) AS extra) AS differences`,
    }
  })
}

/** The log of ledger row changes that wait to be folded into the rollups */
export const ROLLUP_CHANGES_TABLE = 'ledger_rollup_changes'

/** A change log row: one ledger row's figures, taken away (-1) or added (+1) */
export type RollupChange = {
  sign: number
  kind: 'granted' | 'used'
  municipality_id: number
  resident_id: number
  plugin_id: string
  program_code: string
  /** '' for a lot */
  service: string
  month: string
  /** ALL_FACILITIES for a lot, NO_FACILITY for a visit at none */
  facility_id: number
  status: string
  /** 1 when the row counts in the month totals (a lot not revoked, a posted visit) */
  counts: number
  /** 1 for a visit replaced by its correction (left out of the usage totals) */
  replaced: number
  minutes: number
}

export const ROLLUP_CHANGE_COLUMNS = [
  'sign',
  'kind',
  'municipality_id',
  'resident_id',
  'plugin_id',
  'program_code',
  'service',
  'month',
  'facility_id',
  'status',
  'counts',
  'replaced',
  'minutes',
] as const

/** The change log row of one source row ("NEW." or "OLD."), as SQL values */
function changeValues(source: Source, row: string, sign: 1 | -1) {
  const used = source.kind === 'used'
  return `(${[
    sign,
    `'${source.kind}'`,
    `${row}municipality_id`,
    `${row}resident_id`,
    `${row}plugin_id`,
    `${row}program_code`,
    used ? `${row}service` : `''`,
    source.month(row),
    source.facility(row),
    `${row}status`,
    `CASE WHEN ${source.counts(row)} THEN 1 ELSE 0 END`,
    used ? `CASE WHEN ${row}replaced_by_redemption_id IS NULL THEN 0 ELSE 1 END` : '0',
    source.minutes(row),
  ].join(', ')})`
}

/**
 * The month-total scopes a change counts in, as in `scopes`: its program
 * and every program, its facility (visits) and every facility.
 */
export function changeScopes(change: RollupChange) {
  const programs = [
    [change.plugin_id, change.program_code],
    [ALL_PROGRAMS, ALL_PROGRAMS],
  ]
  const facilities =
    change.kind === 'used' ? [change.facility_id, ALL_FACILITIES] : [ALL_FACILITIES]
  return programs.flatMap(([pluginId, programCode]) =>
    facilities.map((facilityId) => ({ pluginId, programCode, facilityId }))
  )
}

/**
 * Statements that create the triggers appending each changed row to the
 * change log (its old figures, then its new ones), and that drop them.
 */
export function ledgerRollupsFor(dialect: string) {
  const postgres = dialect === 'postgres'
  const create: string[] = []
  const drop: string[] = []
  const append = (values: string[]) =>
    `INSERT INTO ${ROLLUP_CHANGES_TABLE} (${ROLLUP_CHANGE_COLUMNS.join(', ')}) VALUES ${values.join(', ')};`
  for (const source of sources(dialect)) {
    const name = `${source.table}_logs_rollup`
    const changed = source.columns
      .map((column) =>
        postgres
          ? `OLD.${column} IS DISTINCT FROM NEW.${column}`
          : `OLD.${column} IS NOT NEW.${column}`
      )
      .join(' OR ')
    const added = append([changeValues(source, 'NEW.', 1)])
    const taken = append([changeValues(source, 'OLD.', -1)])
    const moved = append([changeValues(source, 'OLD.', -1), changeValues(source, 'NEW.', 1)])
    if (postgres) {
      create.push(
        `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $log$
         BEGIN
           IF TG_OP = 'INSERT' THEN
             ${added}
           ELSIF TG_OP = 'DELETE' THEN
             ${taken}
           ELSE
             ${moved}
           END IF;
           RETURN NULL;
         END
         $log$`,
        `CREATE TRIGGER ${name}_insert_delete AFTER INSERT OR DELETE ON ${source.table}
         FOR EACH ROW EXECUTE FUNCTION ${name}()`,
        `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${source.columns.join(', ')} ON ${source.table}
         FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION ${name}()`
      )
      drop.push(
        `DROP TRIGGER IF EXISTS ${name}_insert_delete ON ${source.table}`,
        `DROP TRIGGER IF EXISTS ${name}_update ON ${source.table}`,
        `DROP FUNCTION IF EXISTS ${name}()`
      )
    } else {
      create.push(
        `CREATE TRIGGER ${name}_insert AFTER INSERT ON ${source.table} BEGIN ${added} END`,
        `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${source.columns.join(', ')} ON ${source.table}
         WHEN ${changed} BEGIN ${moved} END`,
        `CREATE TRIGGER ${name}_delete AFTER DELETE ON ${source.table} BEGIN ${taken} END`
      )
      drop.push(
        `DROP TRIGGER IF EXISTS ${name}_insert`,
        `DROP TRIGGER IF EXISTS ${name}_update`,
        `DROP TRIGGER IF EXISTS ${name}_delete`
      )
    }
  }
  return { create, drop }
}
