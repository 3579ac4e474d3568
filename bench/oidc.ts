/*
| Shared sign-in (issue 19): how many full authorization code flows a
| server completes per second, each as a relying party and a browser
| would do it: GET the issuer's /auth with Hanako's signed-in session
| (consent given once beforehand, so no page is shown), follow the
| redirects to the callback, then exchange the code at /token with its
| PKCE verifier (openid-client v6, the real RP). BENCH_OIDC_CONCURRENCY
| flows (16) run at once for BENCH_OIDC_SECONDS (10); the anchor is
| GET /health/live of the same server, as many at once for as long.
| The server runs as its own process (bin/server.ts) on a fresh database
| with the demo data and its demo relying party's client (public, PKCE);
| the callback is never fetched. Run with bench/oidc.sh.
*/
import { performance } from 'node:perf_hooks'
import * as oidc from 'openid-client'
import { reportBench } from './report.js'
import { startBenchServer } from './bench_server.js'

const CONCURRENCY = Number(process.env.BENCH_OIDC_CONCURRENCY ?? 16)
const SECONDS = Number(process.env.BENCH_OIDC_SECONDS ?? 10)
const base = `http://127.0.0.1:${process.env.PORT}`
const issuer = `${String(process.env.APP_URL).replace(/\/$/, '')}/m/minato/oidc`
const REDIRECT = `${String(process.env.APP_URL).replace(/\/$/, '')}/demo-rp/callback`
const PASSWORD = 'tomoni-demo-2026'

/** A browser's cookie jar, the cookies sent back as they came */
class Jar {
  cookies = new Map<string, string>()
  /** The assets' version Inertia's requests name (else a 409 asks for a full reload): "1" with no build */
  static inertiaVersion = process.env.BENCH_INERTIA_VERSION ?? '1'
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      if (value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) {
        this.cookies.delete(name)
      } else this.cookies.set(name, value)
    }
  }
  async send(url: string, init: RequestInit & { inertia?: boolean } = {}) {
    const headers = new Headers(init.headers)
    headers.set('cookie', this.header())
    const xsrf = this.cookies.get('XSRF-TOKEN')
    if (xsrf) headers.set('x-xsrf-token', decodeURIComponent(xsrf))
    if (init.inertia) {
      headers.set('x-inertia', 'true')
      headers.set('x-inertia-version', Jar.inertiaVersion)
    }
    const response = await fetch(new URL(url, base), { ...init, headers, redirect: 'manual' })
    this.take(response)
    return response
  }
}

/**
 * Follows an authorization until it leaves for the relying party: its
 * callback URL. A consent page (the first time only) is answered yes.
 */
async function authorize(jar: Jar, start: string): Promise<URL> {
  let url = start
  for (let hops = 0; hops < 12; hops++) {
    if (url.startsWith(REDIRECT)) return new URL(url)
    const local = new URL(url, base)
    const interaction = local.pathname.includes('/interaction/')
    const response = await jar.send(`${local.pathname}${local.search}`, { inertia: interaction })
    const to = response.headers.get('x-inertia-location') ?? response.headers.get('location')
    if (to) {
      await response.arrayBuffer()
      url = new URL(to, base).href
      continue
    }
    const page = interaction ? ((await response.json()) as { component: string; props: any }) : null
    if (page?.component !== 'oidc/consent') {
      throw new Error(`no way on at ${local.pathname}: ${response.status}`)
    }
    const confirmed = await jar.send(page.props.confirmUrl, { method: 'POST', inertia: true })
    await confirmed.arrayBuffer()
    url = new URL(
      String(confirmed.headers.get('x-inertia-location') ?? confirmed.headers.get('location')),
      base
    ).href
  }
  throw new Error('too many redirects')
}

async function flow(config: oidc.Configuration, jar: Jar) {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email',
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })
  // The issuer's URL names APP_URL; the browser here talks to the server's port
  const callback = await authorize(jar, `${url.pathname}${url.search}`)
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  })
  if (!tokens.id_token) throw new Error('no ID token')
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

/** CONCURRENCY loops of `one` for SECONDS: per second, p50 and p95 (ms) */
async function load(one: () => Promise<void>) {
  const durations: number[] = []
  let failures = 0
  let firstFailure: unknown = null
  const started = performance.now()
  const until = started + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const at = performance.now()
        try {
          await one()
          durations.push(performance.now() - at)
        } catch (error) {
          failures++
          firstFailure ??= error
        }
      }
    })
  )
  const elapsed = (performance.now() - started) / 1000
  if (firstFailure) console.log('  first failure:', firstFailure)
  durations.sort((a, b) => a - b)
  return {
    perSecond: durations.length / elapsed,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    count: durations.length,
    failures,
  }
}

// The demo data (`node ace db:seed` in bench/oidc.sh) holds Hanako and the demo client
const clientId = 'tomoni-demo-rp'
const dialect = process.env.DB_CONNECTION === 'postgres' ? 'postgres' : 'sqlite'

const server = await startBenchServer(base)

try {
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  })

  // Hanako signs in once; her first flow gives the consent
  const jar = new Jar()
  // Inertia's JSON (the server runs without Vite: no HTML page)
  const loginPage = await jar.send('/login', { inertia: true })
  await loginPage.arrayBuffer()
  const signIn = await jar.send('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'hanako@example.jp', password: PASSWORD }),
  })
  await signIn.arrayBuffer()
  if (signIn.status !== 302 || signIn.headers.get('location') === '/login') {
    throw new Error(`sign-in failed: ${signIn.status} ${signIn.headers.get('location')}`)
  }
  await flow(config, jar)

  // Each concurrent "browser" is Hanako's signed-in browser
  const jars = new Map<number, Jar>()
  let next = 0
  const flows = await load(async () => {
    const id = next++ % CONCURRENCY
    if (!jars.has(id)) {
      const copy = new Jar()
      copy.cookies = new Map(jar.cookies)
      jars.set(id, copy)
    }
    await flow(config, jars.get(id)!)
  })
  const live = await load(async () => {
    const response = await fetch(`${base}/health/live`)
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`health ${response.status}`)
  })

  console.log(
    `${dialect}: concurrency ${CONCURRENCY}, ${SECONDS} s each, same server (${process.env.NODE_ENV})`
  )
  const line = (label: string, result: Awaited<ReturnType<typeof load>>, unit: string) =>
    console.log(
      `  ${label}: ${result.perSecond.toFixed(1)} ${unit}/s, p50 ${result.p50.toFixed(1)} ms, ` +
        `p95 ${result.p95.toFixed(1)} ms, ${result.count} done, ${result.failures} failed`
    )
  line('code flow (authorize → token)', flows, 'flows')
  line('/health/live', live, 'req')
  const ratio = flows.perSecond / live.perSecond
  console.log(`  ratio flows/s ÷ /health/live req/s: ${(ratio * 100).toFixed(1)} %`)
  reportBench({
    path: `OIDC code flow (authorize → token), c=${CONCURRENCY}`,
    db: dialect,
    figure: `${flows.perSecond.toFixed(1)} flows/s, p50 ${flows.p50.toFixed(0)} ms, p95 ${flows.p95.toFixed(0)} ms`,
    anchor: `/health/live ${live.perSecond.toFixed(0)} req/s, p50 ${live.p50.toFixed(0)} ms`,
    ratio,
    goal: 'measured (issue 19 note)',
    met: flows.failures === 0 ? null : false,
  })
} finally {
  await server.stop()
}
