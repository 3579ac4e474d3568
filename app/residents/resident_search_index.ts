/*
|--------------------------------------------------------------------------
| The residents' search index
|--------------------------------------------------------------------------
| A staff search matches each word of the query, "contains" and
| case-insensitive, against the name, the kana, the 利用者ID and the phone
| digits (ResidentDirectory.search). Those LIKE '%…%' tests cannot use a
| B-tree index; this index narrows the rows first and the exact tests then
| run on the few rows left, so results are the same with or without it.
|
| What is indexed is one text per resident, the search document: every
| field a query word can match, lowercased, in one string. Anything one of
| those fields contains, the document contains too, so "document LIKE
| pattern" keeps every row "field LIKE pattern" keeps (and a few more,
| which the exact tests drop).
|
| - PostgreSQL: a pg_trgm GIN index on the document expression.
| - SQLite: an FTS5 table with the trigram tokenizer (residents_search,
|   rowid = residents.id), kept in step by triggers. A migration that
|   rebuilds the residents table (SQLite's way to drop a column) must put
|   the triggers back, like the audit tables' triggers.
|
| Trigrams need 3 characters: a word shorter than that cannot use either
| index, and its search runs on the exact tests alone (still correct).
*/

/** The search document of a residents row (columns prefixed `new.` in a trigger) */
export function searchDocument(row = '') {
  return (
    `LOWER(${row}family_name || ${row}given_name || ' ' || ` +
    `${row}family_name_kana || ${row}given_name_kana || ' ' || ` +
    `${row}resident_number || ' ' || COALESCE(REPLACE(${row}phone, '-', ''), ''))`
  )
}

/** The document expression PostgreSQL indexes; a query must spell it the same way */
export const SEARCH_DOCUMENT = searchDocument()

/** The SQLite FTS5 table of search documents */
export const SQLITE_SEARCH_TABLE = 'residents_search'

/** A pattern shorter than a trigram cannot narrow anything: the index is skipped */
export const TRIGRAM = 3

/** SQLite: the trigger that indexes each new resident */
export const SQLITE_SEARCH_INSERT_TRIGGER = 'residents_search_insert'

export const SQLITE_SEARCH_INSERT_TRIGGER_SQL = `CREATE TRIGGER ${SQLITE_SEARCH_INSERT_TRIGGER} AFTER INSERT ON residents BEGIN
        INSERT INTO ${SQLITE_SEARCH_TABLE} (rowid, document) VALUES (new.id, ${searchDocument('new.')});
      END`

/**
 * SQLite: indexes the residents rows `where` selects in one statement
 * (every row when the index is created; a bulk import's new rows, which
 * it writes with the insert trigger set aside: one FTS5 insert per row
 * was three quarters of the time of writing 100,000 residents).
 */
export function sqliteSearchFill(where?: string) {
  return (
    `INSERT INTO ${SQLITE_SEARCH_TABLE} (rowid, document) SELECT id, ${SEARCH_DOCUMENT} FROM residents` +
    (where ? ` WHERE ${where}` : '')
  )
}

/** Statements that create and drop the index, per dialect */
export function residentSearchIndexFor(dialect: string) {
  if (dialect === 'postgres') {
    return {
      create: [
        'CREATE EXTENSION IF NOT EXISTS pg_trgm',
        `CREATE INDEX residents_search_trgm ON residents USING gin ((${SEARCH_DOCUMENT}) gin_trgm_ops)`,
      ],
      drop: ['DROP INDEX IF EXISTS residents_search_trgm'],
    }
  }
  const columns =
    'family_name, given_name, family_name_kana, given_name_kana, resident_number, phone'
  return {
    create: [
      `CREATE VIRTUAL TABLE ${SQLITE_SEARCH_TABLE} USING fts5(document, tokenize = 'trigram case_sensitive 0')`,
      sqliteSearchFill(),
      SQLITE_SEARCH_INSERT_TRIGGER_SQL,
      `CREATE TRIGGER residents_search_update AFTER UPDATE OF id, ${columns} ON residents BEGIN
        DELETE FROM ${SQLITE_SEARCH_TABLE} WHERE rowid = old.id;
        INSERT INTO ${SQLITE_SEARCH_TABLE} (rowid, document) VALUES (new.id, ${searchDocument('new.')});
      END`,
      `CREATE TRIGGER residents_search_delete AFTER DELETE ON residents BEGIN
        DELETE FROM ${SQLITE_SEARCH_TABLE} WHERE rowid = old.id;
      END`,
    ],
    drop: [
      `DROP TRIGGER IF EXISTS ${SQLITE_SEARCH_INSERT_TRIGGER}`,
      'DROP TRIGGER IF EXISTS residents_search_update',
      'DROP TRIGGER IF EXISTS residents_search_delete',
      `DROP TABLE IF EXISTS ${SQLITE_SEARCH_TABLE}`,
    ],
  }
}
