/** What a backup holds, authenticated with it (the file's header) */
export type BackupManifest = {
  app: 'tomoni'
  appVersion: string
  /** sqlite: the SQLite file (VACUUM INTO); postgres: pg_dump's custom format */
  database: 'sqlite' | 'postgres'
  createdAt: string
  /** The last migration run on the database, as Lucid names it */
  lastMigration: string | null
  /** Rows per table, counted in the snapshot the backup was taken from */
  rowCounts: Record<string, number>
  /** Of the database copy before compression and encryption */
  payloadSha256: string
  payloadBytes: number
}
