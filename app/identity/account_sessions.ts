import db from '@adonisjs/lucid/services/db'
import { affectedRows } from '#shared/affected_rows'

/**
 * Ends every server-side session of an account at once (disable, password
 * change, "sign out everywhere"). Sessions are tagged with the user id at
 * sign-in (session.tag), which the database store keeps in sessions.user_id.
 * We read that table directly rather than through the session package's
 * SessionCollection singleton, which holds on to the connection it was
 * first built with.
 */
export default class AccountSessions {
  static async endAll(userId: number, exceptSessionId?: string) {
    const query = db.from('sessions').where('user_id', String(userId))
    if (exceptSessionId) query.whereNot('id', exceptSessionId)
    const ended = await query.delete()
    return affectedRows(ended)
  }
}
