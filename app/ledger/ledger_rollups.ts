/*
|--------------------------------------------------------------------------
| The ledger's month rollups
|--------------------------------------------------------------------------
| Month figures the statistics and usage screens show, kept by database
| triggers on ledger_lots and ledger_redemptions, so every change (issue,
| reserve, approve, reject, correct, cancel, revoke, a row written by a
| test or an import) updates them in its own statement and transaction: a
| rollback leaves them as they were. Written by the database, owned by
| the ledger; features only read them.
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
| row, the aggregate written from scratch (`rebuild`, run by the migration;
| `differences`, checked by ledger:verify).
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

const where = (columns: string[], values: string[]) =>
  columns.map((column, index) => `${column} = ${values[index]}`).join(' AND ')

/**
 * Adds one source row's figures to a rollup row, created when missing.
 * Each figure: its column, its value in a new row, what is added to a row
 * that exists.
 */
function addTo(
  table: string,
  key: string[],
  values: string[],
  condition: string,
  figures: [string, string, string][]
) {
  return [
    `INSERT INTO ${table} (${key.join(', ')}, ${figures.map(([column]) => column).join(', ')})
     SELECT ${values.join(', ')}, ${figures.map(([, value]) => value).join(', ')} WHERE ${condition}
     ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${figures
       .map(([column, , added]) => `${column} = ${table}.${column} + ${added}`)
       .join(', ')}`,
  ]
}

/**
 * Takes one source row's figures from its rollup row, then deletes the
 * row once its count (the first figure) is 0.
 */
function takeFrom(
  table: string,
  key: string[],
  values: string[],
  condition: string,
  figures: [string, string][]
) {
  const match = `${where(key, values)} AND ${condition}`
  return [
    `UPDATE ${table} SET ${figures
      .map(([column, taken]) => `${column} = ${column} - ${taken}`)
      .join(', ')} WHERE ${match}`,
    `DELETE FROM ${table} WHERE ${match} AND ${figures[0][0]} = 0`,
  ]
}

/** Statements that add (+1) or take away (-1) one source row ("NEW." or "OLD.") */
function changes(source: Source, row: string, sign: 1 | -1) {
  const statements: string[] = []
  const minutes = source.minutes(row)
  if (source.table === 'ledger_redemptions') {
    const key = [
      `${row}municipality_id`,
      source.month(row),
      `${row}plugin_id`,
      `${row}program_code`,
      `${row}service`,
      source.facility(row),
      `${row}status`,
    ]
    const notReplaced = `${row}replaced_by_redemption_id IS NULL`
    statements.push(
      ...(sign === 1
        ? addTo('ledger_usage_totals', USAGE_KEY, key, notReplaced, [
            ['visits', '1', '1'],
            ['minutes', minutes, 'excluded.minutes'],
          ])
        : takeFrom('ledger_usage_totals', USAGE_KEY, key, notReplaced, [
            ['visits', '1'],
            ['minutes', minutes],
          ]))
    )
  }
  for (const scope of scopes(source, row)) {
    const total = [
      `${row}municipality_id`,
      `'${source.kind}'`,
      scope.plugin,
      scope.program,
      source.month(row),
      scope.facility,
    ]
    const member = [...total, `${row}resident_id`]
    const counts = source.counts(row)
    const items = `(SELECT items FROM ledger_month_residents WHERE ${where(MEMBER_KEY, member)})`
    if (sign === 1) {
      statements.push(
        ...addTo('ledger_month_residents', MEMBER_KEY, member, counts, [
          ['items', '1', '1'],
          ['minutes', minutes, 'excluded.minutes'],
        ]),
        // A resident counts once: when their first lot or visit of the scope arrives
        ...addTo('ledger_month_totals', TOTAL_KEY, total, counts, [
          ['items', '1', '1'],
          ['minutes', minutes, 'excluded.minutes'],
          ['residents', '1', `(CASE WHEN ${items} = 1 THEN 1 ELSE 0 END)`],
        ])
      )
    } else {
      // The member row is updated first: the total reads whether it reached 0
      const [member0, memberDelete] = takeFrom(
        'ledger_month_residents',
        MEMBER_KEY,
        member,
        counts,
        [
          ['items', '1'],
          ['minutes', minutes],
        ]
      )
      statements.push(
        member0,
        ...takeFrom('ledger_month_totals', TOTAL_KEY, total, counts, [
          ['items', '1'],
          ['minutes', minutes],
          ['residents', `(CASE WHEN ${items} = 0 THEN 1 ELSE 0 END)`],
        ]),
        memberDelete
      )
    }
  }
  return statements
}

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

/** Statements that create the triggers (then fill the rollups) and drop them, per dialect */
export function ledgerRollupsFor(dialect: string) {
  const postgres = dialect === 'postgres'
  const create: string[] = []
  const drop: string[] = []
  for (const source of sources(dialect)) {
    const name = `${source.table}_rollup`
    const changed = source.columns
      .map((column) =>
        postgres
          ? `OLD.${column} IS DISTINCT FROM NEW.${column}`
          : `OLD.${column} IS NOT NEW.${column}`
      )
      .join(' OR ')
    const body = (statements: string[]) => statements.map((statement) => `${statement};`).join('\n')
    if (postgres) {
      create.push(
        `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $rollup$
         BEGIN
           IF TG_OP IN ('UPDATE', 'DELETE') THEN
             ${body(changes(source, 'OLD.', -1))}
           END IF;
           IF TG_OP IN ('INSERT', 'UPDATE') THEN
             ${body(changes(source, 'NEW.', 1))}
           END IF;
           RETURN NULL;
         END
         $rollup$`,
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
        `CREATE TRIGGER ${name}_insert AFTER INSERT ON ${source.table} BEGIN
         ${body(changes(source, 'NEW.', 1))}
         END`,
        `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${source.columns.join(', ')} ON ${source.table}
         WHEN ${changed} BEGIN
         ${body([...changes(source, 'OLD.', -1), ...changes(source, 'NEW.', 1)])}
         END`,
        `CREATE TRIGGER ${name}_delete AFTER DELETE ON ${source.table} BEGIN
         ${body(changes(source, 'OLD.', -1))}
         END`
      )
      drop.push(
        `DROP TRIGGER IF EXISTS ${name}_insert`,
        `DROP TRIGGER IF EXISTS ${name}_update`,
        `DROP TRIGGER IF EXISTS ${name}_delete`
      )
    }
  }
  return { create: [...create, ...rebuildStatements(dialect)], drop }
}
