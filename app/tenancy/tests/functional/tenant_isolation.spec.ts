import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import { chainKeyFor } from '#audit/audit_event_input'
import type { Role } from '#identity/membership'
import { ROLE_MATRIX, VICTIM_IDS } from '#tests/helpers/tenant_routes/index'
import { roleForTenantRoute, secondTenantCast } from '#tests/helpers/tenant_routes/intruders'
import { idMatcher } from '#start/route_matchers'

type TenantRoute = { name: string; pattern: string; methods: string[] }

/**
 * Routes under /m/:municipality that are no tenant screens: each
 * municipality's OpenID Provider answers relying parties and residents of
 * that municipality only, and its own tests say so (app/oidc/tests).
 */
const NOT_TENANT_SCREENS = /^oidc\./

/**
 * Every route that acts inside a municipality, as registered right now
 * (core and plugins). New routes join these tests automatically.
 */
function tenantRoutes(): TenantRoute[] {
  return Object.values(router.toJSON())
    .flat()
    .filter((route) => route.pattern.startsWith('/m/:municipality'))
    .filter((route) => !NOT_TENANT_SCREENS.test(route.name ?? ''))
    .map((route) => ({
      name: route.name ?? route.pattern,
      pattern: route.pattern,
      methods: route.methods.filter((method) => method !== 'HEAD'),
    }))
}

/**
 * Route parameters that name something other than a row id (a language and
 * a catalogue version: client_messages.show)
 */
const NAME_PARAMS = new Set([
  'municipality',
  'plugin',
  'program',
  'token',
  'locale',
  'version',
  // An authorization's interaction (oidc-provider's uid)
  'uid',
  '*',
])

type AnyRoute = TenantRoute & { params: string[]; matchers: Record<string, { match?: RegExp }> }

/** Every route of the router (core and plugins), with its parameters */
function allRoutes(): AnyRoute[] {
  return Object.values(router.toJSON())
    .flat()
    .map((route) => ({
      name: route.name ?? route.pattern,
      pattern: route.pattern,
      methods: route.methods.filter((method) => method !== 'HEAD'),
      params: [...route.pattern.matchAll(/:(\w+)/g)].map(([, param]) => param),
      matchers: route.matchers as AnyRoute['matchers'],
    }))
}

/** Every route with a row id in its URL, as registered right now */
function idRoutes() {
  return allRoutes().filter((route) => route.params.some((param) => !NAME_PARAMS.has(param)))
}

/** A request with an empty form (none for GET) */
function sendEmpty(browser: BrowserSession, method: string, url: string) {
  return browser.send(method.toLowerCase() as any, url, method === 'GET' ? undefined : {})
}

/** One signed-in browser per account, signed in on first use */
function browsersBy(client: ApiClient) {
  const browsers = new Map<string, BrowserSession>()
  return async (email: string) => {
    let browser = browsers.get(email)
    if (!browser) {
      browser = new BrowserSession(client)
      await browser.signIn(email, DEMO_PASSWORD)
      await browser.get('/')
      browsers.set(email, browser)
    }
    return browser
  }
}

async function urlFor(route: TenantRoute, victim: Municipality, slug = victim.slug) {
  let url = route.pattern.replace(':municipality', slug)
  for (const [, param] of route.pattern.matchAll(/:(\w+)/g)) {
    if (param === 'municipality') continue
    const idFor = VICTIM_IDS[param]
    if (!idFor)
      throw new Error(`No victim id for ":${param}" in ${route.pattern}: add one to VICTIM_IDS`)
    url = url.replace(`:${param}`, String(await idFor(victim)))
  }
  return url
}

const DEMO_USER_BY_ROLE: Record<Exclude<Role, 'platform_operator'>, string> = {
  municipal_admin: 'admin@minato.example',
  municipal_staff: 'staff@minato.example',
  provider_admin: 'owner@aozora.example',
  provider_staff: 'helper@aozora.example',
  resident: 'hanako@example.jp',
}

test.group('Tenant isolation and role matrix', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every tenant route answers 404 to another municipality, and audits it', async ({
    client,
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const { admin: intruder } = await createSecondTenant()
    const browser = new BrowserSession(client)
    await browser.signIn(intruder.email, DEMO_PASSWORD)
    await browser.get('/')

    const routes = tenantRoutes()
    assert.isAtLeast(routes.length, 3)
    for (const route of routes) {
      for (const method of route.methods) {
        const url = await urlFor(route, minato)
        const before = await db.from('audit_events').where('chain_key', chainKeyFor(minato.id))
        const response = await sendEmpty(browser, method, url)
        assert.equal(response.status(), 404, `${method} ${url} answered ${response.status()}`)
        const after = await db
          .from('audit_events')
          .where('chain_key', chainKeyFor(minato.id))
          .orderBy('sequence', 'desc')
        assert.equal(after.length, before.length + 1, `${method} ${url} was not audited`)
        assert.equal(after[0].action, 'tenancy.access_denied')
        assert.equal(Number(after[0].actor_user_id), intruder.id)
      }
    }
  })

  test('an unknown municipality answers the same 404', async ({ client }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('admin@minato.example', DEMO_PASSWORD)
    const response = await browser.get('/m/atlantis/audit')
    response.assertStatus(404)
  })

  test('role matrix: each role opens exactly the tenant screens it should', async ({
    client,
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const routes = tenantRoutes().filter((route) => route.methods.includes('GET'))
    const unlisted = routes.filter((route) => !(route.name in ROLE_MATRIX))
    assert.deepEqual(
      unlisted.map((route) => route.name),
      [],
      'add every tenant screen to ROLE_MATRIX'
    )

    for (const [role, email] of Object.entries(DEMO_USER_BY_ROLE) as [Role, string][]) {
      const browser = new BrowserSession(client)
      await browser.signIn(email, DEMO_PASSWORD)
      for (const route of routes) {
        const url = await urlFor(route, minato)
        const response = await browser.send('get', url, undefined, !route.name.endsWith('export'))
        const allowed = ROLE_MATRIX[route.name].includes(role)
        assert.equal(
          response.status(),
          allowed ? 200 : 403,
          `${role} GET ${url}: expected ${allowed ? 200 : 403}, got ${response.status()}`
        )
      }
    }
  })

  test('the platform operator has no access to tenant screens', async ({ client }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('operator@tomoni.example', DEMO_PASSWORD)
    for (const route of tenantRoutes().filter((candidate) => candidate.methods.includes('GET'))) {
      const response = await browser.get(route.pattern.replace(':municipality', 'minato'))
      response.assertStatus(404)
    }
  })

  test('every id route matches its ids with the one bounded id matcher', async ({ assert }) => {
    const loose = allRoutes().flatMap((route) =>
      route.params
        .filter((param) => !NAME_PARAMS.has(param))
        .filter((param) => route.matchers[param]?.match?.source !== idMatcher.match.source)
        .map((param) => `${route.pattern} :${param}`)
    )
    assert.deepEqual(loose, [], 'match every id parameter with idMatcher (start/route_matchers)')
  })

  test("another municipality's id under one's own municipality answers 404, audited once", async ({
    client,
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const { municipality: shinjuku, users } = await secondTenantCast()
    const routes = idRoutes().filter((route) => route.pattern.startsWith('/m/:municipality'))
    assert.includeMembers(
      routes.map((route) => route.name),
      [
        'tenant.applications.show',
        'tenant.applications.approve',
        'tenant.applications.reject',
        'tenant.providers.show',
        'tenant.providers.update',
        'tenant.providers.staff.store',
        'tenant.csv.jobs.show',
        'tenant.csv.jobs.download',
        'tenant.csv.jobs.commit',
        'tenant.residents.show',
        'tenant.my.visits.show',
        'tenant.provider.approvals.approve',
      ]
    )

    const browserFor = browsersBy(client)
    for (const route of routes) {
      const role = roleForTenantRoute(route.name)
      const browser = await browserFor(users[role].email)
      for (const method of route.methods) {
        const url = await urlFor(route, minato, shinjuku.slug)
        const before = await db.from('audit_events').count('* as total').first()
        const response = await sendEmpty(browser, method, url)
        assert.equal(
          response.status(),
          404,
          `${role} ${method} ${url} answered ${response.status()}`
        )
        const after = await db.from('audit_events').count('* as total').first()
        assert.equal(
          Number(after.total),
          Number(before.total) + 1,
          `${role} ${method} ${url}: expected one audit event`
        )
        const event = await db
          .from('audit_events')
          .where('chain_key', chainKeyFor(shinjuku.id))
          .orderBy('sequence', 'desc')
          .firstOrFail()
        assert.equal(event.outcome, 'denied', `${method} ${url}`)
        assert.match(event.action, /not_found$/, `${method} ${url}`)
        assert.equal(Number(event.actor_user_id), users[role].id, `${method} ${url}`)
      }
    }
  })

  test('ids beyond what the database holds answer 404 on every id route', async ({
    client,
    assert,
  }) => {
    const routes = idRoutes()
    assert.isAtLeast(routes.length, 22)
    const browserFor = browsersBy(client)
    for (const route of routes) {
      const browser = await browserFor(
        route.pattern.startsWith('/m/:municipality')
          ? DEMO_USER_BY_ROLE[roleForTenantRoute(route.name)]
          : 'operator@tomoni.example'
      )
      for (const id of ['2147483648', '99999999999999999999']) {
        let url = route.pattern.replace(':municipality', 'minato')
        for (const param of route.params) {
          if (!NAME_PARAMS.has(param)) url = url.replace(`:${param}`, id)
        }
        for (const method of route.methods) {
          const response = await sendEmpty(browser, method, url)
          assert.equal(
            response.status(),
            404,
            `${route.name} ${method} ${url} answered ${response.status()}`
          )
        }
      }
    }
  })
})
