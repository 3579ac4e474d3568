import { test } from '@japa/runner'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { ApiClient } from '@japa/api-client'
import { DEMO_PASSWORD } from '#database/demo_data'
import BrowserSession, { locationOf } from '#tests/helpers/browser_session'
import { startServerProcess, type ServerProcess } from '#tests/helpers/server_process'
import { generateCsv } from '../../../../bench/resident_csv_file.js'

/*
| SIGTERM (a deploy, a scale-down) while staff commit a resident file and
| another member of staff is still sending a form: the server stops taking
| connections, the form's request is answered and its resident saved, the
| import finishes whole, then the process exits 0. Nothing is left half
| done: no job stuck "running", no part of the file imported.
*/

const ROWS = 4000

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

function cookieHeader(session: BrowserSession) {
  return [...session.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** A form request whose body arrives in two parts, the second when `finish` is called */
function slowForm(server: ServerProcess, session: BrowserSession, path: string, body: object) {
  const json = Buffer.from(JSON.stringify(body))
  const request = httpRequest(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(json.length),
      'cookie': cookieHeader(session),
      'x-xsrf-token': decodeURIComponent(session.cookies.get('XSRF-TOKEN') ?? ''),
      'referer': `${server.url}/m/minato/residents/new`,
      'connection': 'close',
    },
  })
  const response = once(request, 'response') as Promise<[IncomingMessage]>
  request.write(json.subarray(0, 10))
  return {
    finish: async () => {
      request.end(json.subarray(10))
      const [answer] = await response
      answer.resume()
      return answer
    },
  }
}

test.group('Graceful shutdown', () => {
  test('SIGTERM finishes the request and the import in hand, then exits 0', async ({
    assert,
    cleanup,
  }) => {
    const server = await startServerProcess('shutdown')
    cleanup(() => server.stop())
    const data = server.database()
    const city = await data.from('municipalities').where('slug', 'minato').firstOrFail()
    const residentsBefore = await countResidents(data, city.id)

    const staff = new BrowserSession(new ApiClient(server.url))
    await staff.signIn('staff@minato.example', DEMO_PASSWORD)
    await staff.get('/m/minato/csv')
    const upload = await new ApiClient(server.url)
      .post('/m/minato/csv/imports')
      .redirects(0)
      .header('cookie', cookieHeader(staff))
      .header('x-xsrf-token', decodeURIComponent(staff.cookies.get('XSRF-TOKEN') ?? ''))
      .file('file', generateCsv(ROWS, false).bytes, {
        filename: 'residents.csv',
        contentType: 'text/csv',
      })
    const previewId = Number(/\/csv\/jobs\/(\d+)$/.exec(locationOf(upload))![1])
    const preview = await waitFor('the preview', async () => {
      const job = await data.from('csv_jobs').where('id', previewId).first()
      return job?.status === 'done' ? job : null
    })
    assert.equal(JSON.parse(preview.result).report.errorCount, 0)

    // Another member of staff is sending the new-resident form, slowly
    await staff.get('/m/minato/residents/new')
    const form = slowForm(server, staff, '/m/minato/residents', {
      resident_number: 'SD-0000001',
      family_name: '港',
      given_name: '太郎',
      family_name_kana: 'ミナト',
      given_name_kana: 'タロウ',
    })

    const commit = await staff.post(`/m/minato/csv/jobs/${previewId}/commit`)
    const commitId = Number(/\/csv\/jobs\/(\d+)$/.exec(locationOf(commit))![1])
    await waitFor('the commit to run', async () => {
      const job = await data.from('csv_jobs').where('id', commitId).first()
      if (job?.status === 'done') throw new Error('the commit ended before SIGTERM: raise ROWS')
      return job?.status === 'running'
    })

    const stoppedAt = Date.now()
    server.child.kill('SIGTERM')
    // New connections are refused at once; the process waits for the form
    await waitFor('the listener to close', async () => {
      const refused = await fetch(`${server.url}/health/live`)
        .then(() => false)
        .catch(() => true)
      return refused
    })
    await sleep(300)
    assert.isNull(server.child.exitCode, 'the server waits for the request in hand')
    const answer = await form.finish()
    assert.equal(answer.statusCode, 302)
    assert.match(String(answer.headers.location), /^\/m\/minato\/residents\/\d+$/)

    const [code] = await Promise.race([
      server.exited,
      sleep(15_000).then(() => {
        throw new Error(`no exit within 15 s of SIGTERM:\n${server.output()}`)
      }),
    ])
    assert.equal(code, 0, server.output())

    // The import is whole: done after the signal, every row in
    const job = await data.from('csv_jobs').where('id', commitId).firstOrFail()
    assert.equal(job.status, 'done')
    // finished_at is stored to the second
    assert.isAtLeast(new Date(job.finished_at).getTime(), Math.floor(stoppedAt / 1000) * 1000)
    assert.equal(await countResidents(data, city.id), residentsBefore + ROWS + 1)
    const saved = await data.from('residents').where('resident_number', 'SD-0000001').first()
    assert.exists(saved)
  }).timeout(120_000)
})

async function countResidents(
  data: ServerProcess['database'] extends () => infer C ? C : never,
  id: number
) {
  const [row] = await data.from('residents').where('municipality_id', id).count('* as total')
  return Number(row.total)
}
