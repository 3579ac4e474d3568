import type { ApiClient, ApiRequest, ApiResponse } from '@japa/api-client'
import env from '#start/env'
import { nextTotpCode } from '#tests/helpers/totp'

type Method = 'get' | 'post' | 'put' | 'delete'

/**
 * Talks to the app the way a browser does: keeps the cookies it is given
 * (session, XSRF-TOKEN, language), sends them back, and echoes the
 * XSRF-TOKEN cookie in the X-XSRF-TOKEN header as Inertia's client does.
 * Sessions go through the real database store, not a test double.
 */
export default class BrowserSession {
  readonly cookies = new Map<string, string>()
  #lastPage?: string

  /**
   * `ip` poses as a client at that address (the app trusts X-Forwarded-For
   * from loopback proxies only, and tests connect over loopback).
   */
  constructor(
    private client: ApiClient,
    private options: { ip?: string } = {}
  ) {}

  get(url: string) {
    return this.send('get', url)
  }

  post(url: string, body: Record<string, unknown> = {}) {
    return this.send('post', url, body)
  }

  put(url: string, body: Record<string, unknown> = {}) {
    return this.send('put', url, body)
  }

  /**
   * Fetches the login page (for the CSRF cookie), then signs in. Staff
   * accounts go on through their second factor as a person with an
   * authenticator app would (enrolling on their first sign-in).
   */
  async signIn(email: string, password: string) {
    await this.get('/login')
    const response = await this.post('/login', { email, password })
    const location = response.header('location')
    if (location === '/two-factor/setup') {
      const setup = await this.get('/two-factor/setup')
      const secret = String(setup.body().props.secret).replaceAll(' ', '')
      return this.post('/two-factor/setup', { otp: await nextTotpCode(email, secret) })
    }
    if (location === '/two-factor') {
      await this.get('/two-factor')
      return this.post('/two-factor', { otp: await nextTotpCode(email) })
    }
    return response
  }

  /**
   * A file download, as raw bytes (CSV in Shift_JIS must not be decoded as
   * UTF-8 on the way).
   */
  async download(url: string) {
    const headers: Record<string, string> = {
      cookie: this.#cookieHeader(),
    }
    if (this.options.ip) headers['x-forwarded-for'] = this.options.ip
    const response = await fetch(`http://${env.get('HOST')}:${env.get('PORT')}${url}`, {
      headers,
      redirect: 'manual',
    })
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    }
  }

  /** What a page's poll asks for: some of its props again (an Inertia partial reload) */
  async reload(url: string, component: string, props: string[]) {
    let request: ApiRequest = this.client.get(url).redirects(0)
    request = request.header('cookie', this.#cookieHeader())
    const response = await request.withInertiaPartialReload(component as never, props as never)
    this.#absorbCookies(response)
    return response
  }

  async send(method: Method, url: string, body?: Record<string, unknown>, inertia = true) {
    let request: ApiRequest = this.client[method](url).redirects(0)
    // Raw values, as a browser sends them (Japa's own jar would re-sign them).
    if (this.cookies.size > 0) {
      request = request.header('cookie', this.#cookieHeader())
    }
    const xsrf = this.cookies.get('XSRF-TOKEN')
    if (xsrf && method !== 'get') request = request.header('x-xsrf-token', decodeURIComponent(xsrf))
    // Like a browser, tell the server where we came from ("redirect back").
    if (this.#lastPage) request = request.header('referer', this.#lastPage)
    if (this.options.ip) request = request.header('x-forwarded-for', this.options.ip)
    if (inertia) request = request.withInertia()
    if (body) request = request.json(body)
    const response = await request
    this.#absorbCookies(response)
    if (method === 'get') this.#lastPage = url
    return response
  }

  /** The cookies as a browser sends them back: raw values (Japa's own jar would re-sign them) */
  #cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  #absorbCookies(response: ApiResponse) {
    const setCookie = response.headers()['set-cookie'] as string[] | string | undefined
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attributes] = line.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}

/** The flash messages a page was rendered with */
export function flashOf(page: ApiResponse) {
  const body = page.body()
  return (body.flash ?? body.props?.flash ?? {}) as { notice?: string; error?: string }
}

/** Where a redirect leads */
export function locationOf(response: ApiResponse) {
  return String(response.header('location'))
}
