/*
| One visit walked over HTTP through a running production server and its
| worker (.ci/production_smoke.sh starts them): the provider's helper signs
| in with a second factor and starts a visit, the resident confirms it with
| its short code, the provider approves it. Then the resident's hours are
| checked (down by the visit's hours) and the approval mail, which only the
| worker sends (REDIS_HOST is set, so the web process queues it on BullMQ),
| is awaited in the outbox the worker writes.
|
|   node .ci/production_visit.mjs http://127.0.0.1:3761 build/tmp/outbox
|
| Prints each step, then PASS or FAIL; exits 1 on failure.
*/
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generate } from 'otplib'

const [baseUrl, outboxDir] = process.argv.slice(2)
if (!baseUrl || !outboxDir) {
  console.error('usage: node .ci/production_visit.mjs <base url> <outbox folder>')
  process.exit(2)
}

const DEMO_PASSWORD = 'tomoni-demo-2026'
const PROVIDER_STAFF = 'helper@aozora.example'
const RESIDENT = 'hanako@example.jp'
const PROGRAM = 'postpartum_support/postpartum'
const SERVICE = 'home_helper'
const HOURS = 2
const MAIL_WAIT_MS = 30_000

class SmokeFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new SmokeFailure(message)
}

/**
 * A browser, as far as the server can tell: keeps its cookies, echoes the
 * XSRF-TOKEN cookie in X-XSRF-TOKEN (as Inertia's client does) and asks
 * for pages as Inertia visits (JSON), following the asset version.
 */
class Browser {
  cookies = new Map()
  inertiaVersion = ''

  constructor(name) {
    this.name = name
  }

  async get(path) {
    let response = await this.send('GET', path)
    // A stale asset version: Inertia answers 409 with the current one.
    if (response.status === 409 && response.headers.get('x-inertia-version')) {
      this.inertiaVersion = response.headers.get('x-inertia-version')
      response = await this.send('GET', path)
    }
    return response
  }

  post(path, body = {}) {
    return this.send('POST', path, body)
  }

  /** The Inertia page a GET renders (component and props) */
  async page(path) {
    const response = await this.get(path)
    check(
      response.status === 200,
      `${this.name}: GET ${path} answered ${response.status}, not a page`
    )
    return response.json()
  }

  async send(method, path, body) {
    const headers = {
      'accept': 'text/html, application/xhtml+xml',
      'x-inertia': 'true',
      'x-inertia-version': this.inertiaVersion,
      'x-requested-with': 'XMLHttpRequest',
    }
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    }
    const xsrf = this.cookies.get('XSRF-TOKEN')
    if (xsrf && method !== 'GET') headers['x-xsrf-token'] = decodeURIComponent(xsrf)
    if (body) headers['content-type'] = 'application/json'
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      redirect: 'manual',
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  /** A POST that must redirect; returns where to */
  async redirected(path, body) {
    const response = await this.post(path, body)
    check(
      response.status === 302 || response.status === 303,
      `${this.name}: POST ${path} answered ${response.status} (${await response.text()})`
    )
    return response.headers.get('location')
  }

  /**
   * Signs in through the login page; staff enrol their authenticator on
   * the first sign-in (the key is on the setup page, as text).
   */
  async signIn(email) {
    await this.get('/login')
    const next = await this.redirected('/login', { email, password: DEMO_PASSWORD })
    if (next === '/two-factor/setup') {
      const setup = await this.page('/two-factor/setup')
      const secret = String(setup.props.secret).replaceAll(' ', '')
      const otp = await generate({ secret })
      const after = await this.redirected('/two-factor/setup', { otp })
      check(!after.startsWith('/two-factor/setup'), `${email}: the TOTP code was refused`)
      return
    }
    check(next !== '/login', `${email}: the password was refused`)
    // An enrolled authenticator: its key is not known here (a fresh database has none)
    check(
      next !== '/two-factor',
      `${email}: already enrolled in TOTP: the walk needs a fresh database`
    )
  }
}

/** Minutes the resident may still use for the service, from the home page */
async function hoursLeft(resident) {
  const home = await resident.page('/')
  const [pluginId, programCode] = PROGRAM.split('/')
  const area = home.props.residentAreas?.find((candidate) => candidate.slug === 'minato')
  const program = area?.held.find(
    (held) => held.pluginId === pluginId && held.programCode === programCode
  )
  const balance = program?.balances.find((candidate) => candidate.service === SERVICE)
  check(balance, `${RESIDENT}: no ${PROGRAM} ${SERVICE} hours on the home page`)
  return balance.minutes
}

/** The JSON messages in the outbox, oldest first */
async function outbox() {
  let files = []
  try {
    files = (await readdir(outboxDir)).filter((file) => file.endsWith('.json')).sort()
  } catch {
    return []
  }
  return Promise.all(
    files.map(async (file) => ({
      file,
      ...JSON.parse(await readFile(join(outboxDir, file), 'utf8')),
    }))
  )
}

function recipients(message) {
  return [message.to]
    .flat()
    .map((entry) => (typeof entry === 'string' ? entry : entry?.address))
    .join(', ')
}

async function walk() {
  const provider = new Browser('provider')
  const resident = new Browser('resident')
  const base = '/m/minato/provider'

  await provider.signIn(PROVIDER_STAFF)
  console.log(`  provider ${PROVIDER_STAFF} signed in (password + TOTP)`)
  await resident.signIn(RESIDENT)
  const before = await hoursLeft(resident)
  console.log(`  resident ${RESIDENT} signed in: ${before / 60} h of ${SERVICE} left`)

  const console_ = await provider.page(base)
  const facility = console_.props.facilities[0]
  check(facility, 'provider: no facility on the provider console')
  const visitPath = await provider.redirected(`${base}/visits`, {
    program: PROGRAM,
    service: SERVICE,
    facility_id: facility.id,
    visit_date: console_.props.defaults.visitDate,
    visit_start: '10:00',
    hours: HOURS,
  })
  const started = await provider.page(visitPath)
  const shortCode = started.props.qr?.shortCode
  check(/^\d{8}$/.test(String(shortCode)), `provider: no short code on ${visitPath}`)
  console.log(`  provider started a ${HOURS} h visit: ${visitPath}, short code ${shortCode}`)

  const confirm = await resident.page(`/m/minato/my/visit?code=${shortCode}`)
  check(
    confirm.component === 'visits/resident/confirm',
    `resident: the short code led to ${confirm.component}, not the confirmation`
  )
  const residentVisit = await resident.redirected('/m/minato/my/visit', { code: shortCode })
  const redemptionId = Number(residentVisit.match(/\/my\/visits\/(\d+)$/)?.[1])
  check(redemptionId > 0, `resident: confirming led to ${residentVisit}, not the visit`)
  console.log(`  resident confirmed: ${residentVisit}`)

  const mailsBefore = (await outbox()).length
  const approved = await provider.redirected(`${base}/approvals/${redemptionId}/approve`)
  const decided = await provider.page(`${base}/approvals/${redemptionId}`)
  check(
    decided.props.visit?.state === 'approved',
    `provider: the visit is ${decided.props.visit?.state} after approving (→ ${approved}), not approved`
  )
  console.log(`  provider approved visit ${redemptionId}`)

  const after = await hoursLeft(resident)
  check(
    before - after === HOURS * 60,
    `resident: hours left went from ${before / 60} h to ${after / 60} h, not down by ${HOURS} h`
  )
  console.log(`  resident's ${SERVICE} hours: ${before / 60} h → ${after / 60} h`)

  const deadline = Date.now() + MAIL_WAIT_MS
  let mail
  while (!mail && Date.now() < deadline) {
    mail = (await outbox()).slice(mailsBefore).find((message) => recipients(message) === RESIDENT)
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  check(mail, `worker: no mail to ${RESIDENT} in ${outboxDir} within ${MAIL_WAIT_MS / 1000} s`)
  check(
    String(mail.text).includes(`/m/minato/my/visits/${redemptionId}`),
    `worker: the mail to ${RESIDENT} (${mail.subject}) does not link visit ${redemptionId}`
  )
  console.log(`  worker sent the approval mail: "${mail.subject}" (${mail.file})`)
}

try {
  await walk()
  console.log('production smoke: PASS')
} catch (error) {
  console.error(
    `production smoke: FAIL: ${error instanceof SmokeFailure ? error.message : error.stack}`
  )
  process.exit(1)
}
