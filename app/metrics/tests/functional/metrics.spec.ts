import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { measureBackupAge } from '#metrics/scrape_time_gauges'
import { lastSuccessfulBackupAt } from '#backup/backup_status'
import LedgerEngine from '#ledger/ledger_engine'
import Resident from '#residents/resident'
import CsvJobs from '#csv/csv_jobs'
import CsvJob from '#csv/csv_job'
import User from '#identity/user'
import Municipality from '#tenancy/municipality'

const TOKEN = 'a-scraper-token-for-the-tests-0123456789'

type Sample = { name: string; labels: Record<string, string>; value: number }

/** The samples of a Prometheus text exposition */
function parse(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) continue
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]])
    )
    samples.push({
      name: match[1],
      labels,
      value: match[3] === '+Inf' ? Infinity : Number(match[3]),
    })
  }
  return samples
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string>) {
  const sample = samples.find(
    (candidate) =>
      candidate.name === name &&
      Object.entries(labels).every(([key, value]) => candidate.labels[key] === value)
  )
  return sample?.value ?? 0
}

test.group('Metrics (/metrics)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => {
    const before = env.get('METRICS_TOKEN')
    env.set('METRICS_TOKEN', TOKEN)
    return () => env.set('METRICS_TOKEN', before as string)
  })

  test('without METRICS_TOKEN there is no /metrics', async ({ client }) => {
    env.set('METRICS_TOKEN', '')
    const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
    response.assertStatus(404)
  })

  test('no token or a wrong one is refused, and sees no metric', async ({ client, assert }) => {
    const none = await client.get('/metrics')
    none.assertStatus(401)
    none.assertHeader('www-authenticate', 'Bearer')
    const wrong = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}x`)
    wrong.assertStatus(401)
    assert.notInclude(wrong.text(), 'tomoni_')
  })

  test('the scrape lists the families, and a request is counted by route and status', async ({
    client,
    assert,
  }) => {
    const scrape = async () => {
      const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
      response.assertStatus(200)
      assert.include(response.header('content-type'), 'text/plain')
      return parse(response.text())
    }
    const count = { route: 'health.live', method: 'GET', status: '200' }
    const before = valueOf(await scrape(), 'tomoni_http_request_duration_seconds_count', count)
    for (let i = 0; i < 3; i++) await client.get('/health/live')
    await client.get('/no-such-page-anywhere')
    const samples = await scrape()
    assert.equal(valueOf(samples, 'tomoni_http_request_duration_seconds_count', count), before + 3)
    // An unknown URL is counted without becoming a label of its own
    assert.isAbove(
      valueOf(samples, 'tomoni_http_request_duration_seconds_count', { status: '404' }),
      0
    )
    assert.notInclude(JSON.stringify(samples), 'no-such-page-anywhere')
    const names = new Set(samples.map((sample) => sample.name))
    assert.includeMembers([...names], ['tomoni_process_cpu_seconds_total'])
    if (process.env.REDIS_HOST) {
      assert.includeMembers(
        [...names],
        ['tomoni_queue_jobs', 'tomoni_queue_oldest_waiting_seconds']
      )
      assert.equal(valueOf(samples, 'tomoni_queue_jobs', { state: 'failed' }) >= 0, true)
    }
  })

  test("a CSV job not yet handed to the queue shows as the outbox's lag", async ({
    client,
    assert,
  }) => {
    const scrapeLag = async () => {
      const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
      return valueOf(parse(response.text()), 'tomoni_csv_jobs_undispatched_oldest_seconds', {})
    }
    await db.from('csv_jobs').where('status', 'queued').whereNull('dispatched_at').delete()
    assert.equal(await scrapeLag(), 0)

    const minato = await Municipality.findByOrFail('slug', 'minato')
    const staff = await User.findByOrFail('email', 'staff@minato.example')
    const job = await CsvJobs.create({
      municipalityId: minato.id,
      kind: 'export_facility_month',
      params: {},
      requestedByUserId: staff.id,
    })
    const fiveMinutesAgo = DateTime.now().minus({ minutes: 5 })
    await CsvJob.query()
      .where('id', job.id)
      .update({ created_at: fiveMinutesAgo.toFormat(db.connection().dialect.dateTimeFormat) })
    const lag = await scrapeLag()
    assert.isAtLeast(lag, 299)
    assert.isBelow(lag, 330)

    await CsvJob.query()
      .where('id', job.id)
      .update({ dispatched_at: DateTime.now().toFormat(db.connection().dialect.dateTimeFormat) })
    assert.equal(await scrapeLag(), 0, 'handed to the queue: no lag')
  })

  test('the length of each audit chain is read when scraped', async ({ client, assert }) => {
    await db.table('audit_chain_heads').insert({
      chain_key: 'metrics-spec',
      last_sequence: 7,
      last_hash: '0'.repeat(64),
    })
    const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
    const samples = parse(response.text())
    assert.equal(valueOf(samples, 'tomoni_audit_chain_length', { chain: 'metrics-spec' }), 7)
  })

  test('committed ledger postings are counted by kind; a refused grant by its reason', async ({
    client,
    assert,
  }) => {
    const hanako = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const grant = (minutes: number) =>
      LedgerEngine.grant({
        municipalityId: hanako.municipalityId,
        residentId: hanako.id,
        pluginId: 'sample_program',
        programCode: 'sample',
        definitionVersion: 'v1',
        services: ['visit'],
        validFrom: '2026-04-01',
        validTo: '2026-05-31',
        minutes,
      })
    const scrape = async () => {
      const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
      return parse(response.text())
    }
    const granted = { kind: 'grant' }
    const invalid = { reason: 'invalid_amount' }
    const before = await scrape()
    await grant(90)
    await assert.rejects(() => grant(-5))
    const after = await scrape()
    assert.equal(
      valueOf(after, 'tomoni_ledger_postings_total', granted),
      valueOf(before, 'tomoni_ledger_postings_total', granted) + 1
    )
    assert.equal(
      valueOf(after, 'tomoni_ledger_refusals_total', invalid),
      valueOf(before, 'tomoni_ledger_refusals_total', invalid) + 1
    )
  })

  test('the age of the last successful backup; none before the first backup', async ({
    client,
    assert,
  }) => {
    const scrape = async () => {
      const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
      return parse(response.text())
    }
    const ages = (samples: Sample[]) =>
      samples.filter((sample) => sample.name === 'tomoni_backup_age_seconds')
    // No backup in the test database: +Inf, which an alert rule on age catches
    assert.deepEqual(
      ages(await scrape()).map((sample) => sample.value),
      [Infinity]
    )
    measureBackupAge(async () => new Date(Date.now() - 3600_000))
    try {
      const [age] = ages(await scrape())
      assert.closeTo(age.value, 3600, 5)
    } finally {
      measureBackupAge(lastSuccessfulBackupAt)
    }
  })

  test('the scrape leaves no session row and sets no cookie', async ({ client, assert }) => {
    const [before] = await db.from('sessions').count('* as total')
    const response = await client.get('/metrics').header('authorization', `Bearer ${TOKEN}`)
    response.assertStatus(200)
    assert.isUndefined(response.header('set-cookie'))
    const [after] = await db.from('sessions').count('* as total')
    assert.equal(Number(after.total), Number(before.total))
  })
})
