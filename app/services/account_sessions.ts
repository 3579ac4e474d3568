import app from '@adonisjs/core/services/app'
import { SessionCollection } from '@adonisjs/session'

/**
 * Ends every server-side session of an account at once (disable, password
 * change, "sign out everywhere"). Sessions are tagged with the user id at
 * sign-in, so they can be found without scanning.
 */
export default class AccountSessions {
  static async endAll(userId: number, exceptSessionId?: string) {
    const sessions = await app.container.make(SessionCollection)
    const tagged = await sessions.tagged(String(userId))
    for (const session of tagged) {
      if (session.id !== exceptSessionId) await sessions.destroy(session.id)
    }
    return tagged.length
  }
}
