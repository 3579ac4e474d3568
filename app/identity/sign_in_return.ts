import type { HttpContext } from '@adonisjs/core/http'

/** The sentence the sign-in page shows about what waits behind it */
const PROMPT_KEY = 'sign_in.prompt'
const ANY_HOST = 'http://tomoni.invalid'

/**
 * A path of this app to come back to, or null: "/…" only, never another
 * host ("//evil.example", "/\evil.example", "https://…"), so a return
 * path can never send anyone off the site (no open redirect).
 */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null
  try {
    const url = new URL(value, ANY_HOST)
    return url.origin === ANY_HOST ? `${url.pathname}${url.search}` : null
  } catch {
    return null
  }
}

/**
 * Where to go once signed in. It is the session package's intended URL:
 * the auth middleware keeps the page a signed-out visitor asked for
 * (withIntendedUrl, GET pages only), and a module may keep one itself
 * with the sentence the sign-in and registration pages show, calmly, in
 * place of an error ("To confirm your visit at …, please sign in").
 */
export default class SignInReturn {
  static remember(ctx: HttpContext, path: string, prompt: string | null = null) {
    const safe = safeReturnPath(path)
    if (!safe) return
    ctx.session.setIntendedUrl(safe)
    if (prompt) ctx.session.put(PROMPT_KEY, prompt)
    else ctx.session.forget(PROMPT_KEY)
  }

  /** The kept path, still kept (registration carries it into the confirmation mail) */
  static peek(ctx: HttpContext) {
    return safeReturnPath(ctx.session.getIntendedUrl())
  }

  /** The sentence for the sign-in page, while a return path is kept */
  static prompt(ctx: HttpContext) {
    const prompt = ctx.session.get(PROMPT_KEY)
    return typeof prompt === 'string' && this.peek(ctx) ? prompt : null
  }

  /** The kept path, used up (with its sentence); `fallback` when none */
  static take(ctx: HttpContext, fallback = '/') {
    const path = safeReturnPath(ctx.session.pullIntendedUrl())
    ctx.session.forget(PROMPT_KEY)
    return path ?? fallback
  }
}
