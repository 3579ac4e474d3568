import { test } from '@japa/runner'
import { StorageSpaceCheck, spaceOnDisk } from '#http/storage_space_check'
import { QueueLagCheck } from '#http/queue_lag_check'
import { BackupAgeCheck } from '#http/backup_age_check'

const MB = 1024 ** 2
const GB = 1024 * MB

function storageWith(freeBytes: number) {
  return new StorageSpaceCheck(async () => ({ freeBytes, sizeBytes: 100 * GB }), 2 * GB, 256 * MB)
}

async function statusOf(check: { run(): Promise<{ status: string }> }) {
  const result = await check.run()
  return result.status
}

const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000)

test.group('Readiness checks', () => {
  test('storage space: ok with room, a warning when low, an error when nearly full', async ({
    assert,
  }) => {
    assert.equal(await statusOf(storageWith(10 * GB)), 'ok')
    assert.equal(await statusOf(storageWith(GB)), 'warning')
    const full = await storageWith(100 * MB).run()
    assert.equal(full.status, 'error')
    assert.equal(full.meta?.freeBytes, 100 * MB)
  })

  test('storage space is measured on the folder, or its nearest existing parent', async ({
    assert,
  }) => {
    const space = await spaceOnDisk('/tmp/tomoni-no-such-folder/storage')
    assert.isAbove(space.freeBytes, 0)
    assert.isAtLeast(space.sizeBytes, space.freeBytes)
  })

  test('queue lag: ok when the oldest waiting job is fresh or none waits, a warning when late', async ({
    assert,
  }) => {
    assert.equal(await statusOf(new QueueLagCheck(async () => null, 120)), 'ok')
    assert.equal(await statusOf(new QueueLagCheck(async () => secondsAgo(5), 120)), 'ok')
    const late = await new QueueLagCheck(async () => secondsAgo(600), 120).run()
    assert.equal(late.status, 'warning')
    assert.closeTo(late.meta?.lagSeconds as number, 600, 2)
  })

  test('backup age: ok after a recent backup, a warning when old or never', async ({ assert }) => {
    const check = (at: Date | null) => statusOf(new BackupAgeCheck(async () => at, 26))
    assert.equal(await check(secondsAgo(3600)), 'ok')
    assert.equal(await check(secondsAgo(30 * 3600)), 'warning')
    assert.equal(await check(null), 'warning')
  })
})
