import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/**
 * An UPDATE of the rows matching `where` that answers them as changed
 * (`columns`), in one statement on PostgreSQL and SQLite alike: no SELECT
 * before or after. Lucid leaves `returning` out on SQLite, which has had
 * RETURNING since 3.35, so the query is built with Knex, in the client's
 * transaction. Values may be raw expressions (client.knexRawQuery).
 */
export async function updateReturning<Row>(
  client: QueryClientContract,
  table: string,
  where: Record<string, string | number>,
  values: Record<string, unknown>,
  columns: string[]
): Promise<Row[]> {
  return client.knexQuery().from(table).where(where).update(values, columns)
}
