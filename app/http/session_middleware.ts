import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import { configProvider } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Session } from '@adonisjs/session'
import SessionMiddleware from '@adonisjs/session/session_middleware'
import type { SessionConfig, SessionStoreContract } from '@adonisjs/session/types'
import { needsNoSession } from '#http/session_free_routes'

/** A store that holds nothing: the session of a session-free route */
const noStore: SessionStoreContract = {
  read: () => null,
  write: () => {},
  destroy: () => {},
  touch: () => {},
}

let sessionConfig: Promise<SessionConfig> | undefined
function resolvedSessionConfig() {
  sessionConfig ??= configProvider
    .resolve<SessionConfig>(app, app.config.get('session'))
    .then((config) => config!)
  return sessionConfig
}

/**
 * The session package's middleware, except on the session-free routes
 * (app/http/session_free_routes.ts): there the request gets an empty
 * session in memory that is never committed, so no store read, no store
 * write and no session cookie.
 */
export default class AppSessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (needsNoSession(ctx)) {
      ctx.session = new Session(await resolvedSessionConfig(), () => noStore, emitter, ctx)
      await ctx.session.initiate(false)
      return next()
    }
    const sessions = await app.container.make(SessionMiddleware)
    return sessions.handle(ctx, next)
  }
}
