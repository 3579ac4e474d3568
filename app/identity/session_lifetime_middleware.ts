import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import sessionLifetime from '#config/session_lifetime'

const SIGNED_IN_AT = 'signed_in_at'
const LAST_SEEN_AT = 'last_seen_at'
const TOUCH_EVERY_MS = 60_000

/**
 * Ends a signed-in session that has been idle too long or has lived too
 * long, or whose account has been disabled meanwhile. The person lands on
 * the login page with a plain explanation.
 */
export default class SessionLifetimeMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { auth, session } = ctx
    if (!(await auth.check())) return next()

    const now = Date.now()
    const signedInAt = Number(session.get(SIGNED_IN_AT) ?? 0)
    const lastSeenAt = Number(session.get(LAST_SEEN_AT) ?? 0)
    const idleExpired = now - lastSeenAt > sessionLifetime.idleMinutes * 60_000
    const absoluteExpired = now - signedInAt > sessionLifetime.absoluteHours * 3_600_000
    const disabled = auth.user!.disabledAt !== null

    if (idleExpired || absoluteExpired || disabled) {
      await auth.use('web').logout()
      session.forget(SIGNED_IN_AT)
      session.forget(LAST_SEEN_AT)
      session.flash(
        'error',
        ctx.i18n.t(disabled ? 'errors.account_disabled' : 'errors.session_expired')
      )
      return ctx.response.redirect('/login')
    }

    // Writing the session on every request would cost a database write
    // each time; a minute's resolution is plenty for an idle timeout.
    if (now - lastSeenAt > TOUCH_EVERY_MS) session.put(LAST_SEEN_AT, now)
    return next()
  }

  /**
   * Called right after a successful sign-in.
   */
  static start(ctx: HttpContext) {
    const now = Date.now()
    ctx.session.put(SIGNED_IN_AT, now)
    ctx.session.put(LAST_SEEN_AT, now)
  }
}
