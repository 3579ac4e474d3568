import { createReadStream } from 'node:fs'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { type Readable } from 'node:stream'
import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import emitter from '@adonisjs/core/services/emitter'
import drive from '@adonisjs/drive/services/main'
import { Secret } from '@adonisjs/core/helpers'
import S3rver from 's3rver'
import env from '#start/env'
import Backups from '#backup/backups'
import BackupRemote from '#backup/backup_remote'
import BackupNightlyJob from '#backup/backup_nightly_job'
import { sha256OfFile } from '#backup/backup_file'
import { backupsToRemove } from '#backup/backup_retention'
import type { BackupFailed, BackupSucceeded } from '#backup/backup_events'

/*
| The copies in S3-compatible storage, against a real S3 server (s3rver,
| on a spare port, its objects in a temporary folder) reached through the
| app's drive disk `s3` (config/drive.ts) as configured by BACKUP_S3_*.
*/
const PORT = 37301
const BUCKET = 'tomoni-backups'
const PREFIX = 'nightly/tomoni'

async function sha256Of(stream: Readable) {
  const hash = createHash('sha256')
  for await (const chunk of stream) hash.update(chunk)
  return hash.digest('hex')
}

function objectKeys() {
  return BackupRemote.list().then((byDatabase) =>
    [...byDatabase.values()]
      .flat()
      .map((backup) => backup.name)
      .sort()
  )
}

const S3_ENV = {
  BACKUP_S3_BUCKET: BUCKET,
  BACKUP_S3_ENDPOINT: `http://127.0.0.1:${PORT}`,
  BACKUP_S3_REGION: 'us-east-1',
  BACKUP_S3_ACCESS_KEY_ID: 'S3RVER',
  BACKUP_S3_PREFIX: `/${PREFIX}/`,
} as const

test.group('Backups copied to S3 storage', (group) => {
  let dir: string
  let objects: string
  let server: S3rver | null = null
  const start = async () => {
    server = new S3rver({
      port: PORT,
      address: '127.0.0.1',
      silent: true,
      directory: objects,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    })
    await server.run()
  }
  const stop = async () => {
    await server?.close()
    server = null
  }

  group.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tomoni-backups-s3-'))
    objects = await mkdtemp(join(tmpdir(), 'tomoni-s3rver-'))
    await start()
    ace.ui.switchMode('raw')
    return async () => {
      ace.ui.switchMode('normal')
      await stop()
      await rm(dir, { recursive: true, force: true })
      await rm(objects, { recursive: true, force: true })
    }
  })
  group.each.setup(() => {
    env.set('BACKUP_DIR', dir)
    for (const [name, value] of Object.entries(S3_ENV)) env.set(name as any, value)
    env.set('BACKUP_S3_SECRET_ACCESS_KEY', new Secret('S3RVER'))
    env.set('BACKUP_S3_PATH_STYLE', true)
    return () => {
      // Backups of the other tests stay local
      env.set('BACKUP_S3_BUCKET', '')
    }
  })

  test('a backup is copied to the bucket under the prefix, the same bytes as the local file', async ({
    assert,
    cleanup,
  }) => {
    const succeeded: BackupSucceeded[] = []
    cleanup(emitter.on('backup:succeeded', (event) => succeeded.push(event)))

    const made = await Backups.create()

    const name = basename(made.file)
    const key = `${PREFIX}/${name}`
    assert.deepEqual(made.copy, {
      disk: 's3',
      bucket: BUCKET,
      key,
      location: `s3://${BUCKET}/${key}`,
    })
    assert.deepEqual(succeeded.at(-1)?.copy, made.copy)
    const remote = drive.use('s3').file(key)
    assert.isTrue(await remote.exists())
    assert.equal(await sha256Of(await remote.getStream()), await sha256OfFile(made.file))
    // The object as s3rver keeps it on its disk
    const stored = join(objects, BUCKET, `${key}._S3rver_object`)
    assert.equal(await sha256Of(createReadStream(stored)), await sha256OfFile(made.file))

    const command = await ace.exec('backup:create', ['--locale=en'])
    assert.equal(command.exitCode, 0)
    assert.match(
      command.logger.getLogs().at(-1)!.message,
      new RegExp(`Copied to s3://${BUCKET}/${PREFIX}/tomoni-.+Z\\.tomoni-backup$`)
    )
  }).timeout(60_000)

  test('backup:verify and backup:restore read a copy from the bucket as s3:<name>; a tampered or missing copy is refused', async ({
    assert,
  }) => {
    const made = await Backups.create()
    const name = basename(made.file)

    const drill = await ace.exec('backup:verify', [`s3:${name}`, '--locale=en'])
    const messages = drill.logger.getLogs().map((log) => log.message)
    assert.equal(drill.exitCode, 0, messages.join('\n'))
    assert.includeMembers(messages, [
      '[ green(success) ] ledger:verify: passed',
      '[ green(success) ] audit:verify: passed',
    ])

    // The app's own database is not empty: refused, naming the copy as asked
    const restore = await ace.exec('backup:restore', [`s3:${name}`, '--locale=en'])
    assert.equal(restore.exitCode, 1)
    assert.match(restore.logger.getLogs().at(-1)!.message, /is not empty \(\d+ tables\)/)

    // A copy changed in the bucket
    const bytes = await readFile(made.file)
    bytes[bytes.length - 100] ^= 1
    await drive.use('s3').put(`${PREFIX}/tampered.tomoni-backup`, bytes)
    const tampered = await ace.exec('backup:verify', ['s3:tampered.tomoni-backup', '--locale=en'])
    assert.equal(tampered.exitCode, 1)
    assert.equal(
      tampered.logger.getLogs().at(-1)!.message,
      '[ red(error) ] s3:tampered.tomoni-backup is damaged (truncated or altered after it was written): it is not restored'
    )
    await drive.use('s3').put(`${PREFIX}/truncated.tomoni-backup`, bytes.subarray(0, 200))
    const truncated = await ace.exec('backup:verify', ['s3:truncated.tomoni-backup'])
    assert.equal(truncated.exitCode, 1)
    assert.equal(
      truncated.logger.getLogs().at(-1)!.message,
      '[ red(error) ] s3:truncated.tomoni-backup は途中で切れています。バックアップが完全ではありません'
    )
    await drive.use('s3').delete(`${PREFIX}/tampered.tomoni-backup`)
    await drive.use('s3').delete(`${PREFIX}/truncated.tomoni-backup`)

    const missing = await ace.exec('backup:verify', ['s3:nothing.tomoni-backup', '--locale=en'])
    assert.equal(missing.exitCode, 1)
    assert.equal(
      missing.logger.getLogs().at(-1)!.message,
      `[ red(error) ] s3://${BUCKET}/${PREFIX}/nothing.tomoni-backup: no such backup in S3 storage`
    )
    const outside = await ace.exec('backup:verify', ['s3:../other/x.tomoni-backup', '--locale=en'])
    assert.equal(outside.exitCode, 1)
    assert.match(outside.logger.getLogs().at(-1)!.message, /name a backup file of the bucket/)

    env.set('BACKUP_S3_BUCKET', '')
    const unconfigured = await ace.exec('backup:verify', [`s3:${name}`, '--locale=en'])
    assert.equal(unconfigured.exitCode, 1)
    assert.match(unconfigured.logger.getLogs().at(-1)!.message, /BACKUP_S3_BUCKET is not set/)
  }).timeout(90_000)

  test('the nightly backup prunes the copies in the bucket by the same rule as the folder', async ({
    assert,
    cleanup,
  }) => {
    // Sixty nights of copies of another database, and an object of the operator's
    const names: string[] = []
    for (let night = 0; night < 60; night++) {
      const at = new Date(Date.UTC(2026, 5, 1 + night, 17, 30))
      names.push(`tomoni-x-${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z.tomoni-backup`)
    }
    const disk = drive.use('s3')
    for (const name of names) await disk.put(`${PREFIX}/${name}`, 'a copy')
    await disk.put(`${PREFIX}/notes.txt`, 'kept')
    const succeeded: BackupSucceeded[] = []
    cleanup(emitter.on('backup:succeeded', (event) => succeeded.push(event)))

    await new BackupNightlyJob().handle()

    const gone = new Set(
      backupsToRemove(
        names.map((name) => ({
          name,
          createdAt: new Date(
            name.replace(
              /^tomoni-x-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z.*$/,
              '$1-$2-$3T$4:$5:$6Z'
            )
          ),
        }))
      )
    )
    assert.isAbove(gone.size, 0)
    // Of this database's copies, all taken today, only the nightly one stays
    assert.deepEqual(
      await objectKeys(),
      [...names.filter((name) => !gone.has(name)), basename(succeeded[0].file)].sort()
    )
    assert.isTrue(await disk.exists(`${PREFIX}/notes.txt`))
  }).timeout(120_000)

  test('with the S3 storage unreachable the backup fails with a clear message and the local file stays', async ({
    assert,
    cleanup,
  }) => {
    const failed: BackupFailed[] = []
    cleanup(emitter.on('backup:failed', (event) => failed.push(event)))
    const succeeded: BackupSucceeded[] = []
    cleanup(emitter.on('backup:succeeded', (event) => succeeded.push(event)))
    await stop()
    cleanup(start)

    const command = await ace.exec('backup:create', ['--locale=en'])

    assert.equal(command.exitCode, 1)
    assert.lengthOf(succeeded, 0)
    assert.lengthOf(failed, 1)
    const message = failed[0].error
    const written =
      /^The backup (\S+) was written, but its copy to s3:\/\/tomoni-backups\/nightly\/tomoni\/tomoni-\S+ failed: .*ECONNREFUSED.*\. The local file is kept\.$/.exec(
        message
      )
    assert.isNotNull(written, message)
    await access(written![1])
    assert.equal(command.logger.getLogs().at(-1)!.message, `[ red(error) ] ${message}`)
  }).timeout(60_000)
})
