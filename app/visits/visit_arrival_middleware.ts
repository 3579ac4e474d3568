import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import db from '@adonisjs/lucid/services/db'
import Municipality from '#tenancy/municipality'
import LedgerRefusal from '#ledger/ledger_refusal'
import SignInReturn from '#identity/sign_in_return'
import VisitTokens from '#visits/visit_tokens'
import ResidentVisits from '#visits/resident_visits'
import { visitCredentialFrom } from '#visits/resident_visit_validator'

/**
 * A provider's visit QR opened by someone not yet ready to confirm it
 * (GET /m/:municipality/my/visit, before auth): usually a tired parent
 * whose phone's camera opened the link.
 * - Signed out: a calm sign-in page that names what is waiting, and back
 *   to the visit once signed in (or once the address of a new account is
 *   confirmed). Only a QR's token names the visit: a short code is not
 *   looked up for anyone signed out (it is guessable, and throttled per
 *   account).
 * - Signed in with a new account (no record and no role anywhere yet):
 *   first link the record the city registered, or register, then back
 *   to the visit.
 * Everyone else goes on to the usual checks (tenant, resident record).
 */
export default class VisitArrivalMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const municipality = await Municipality.findBy('slug', String(ctx.params.municipality))
    const here = ctx.request.url(true)
    const user = (await ctx.auth.use('web').check()) ? ctx.auth.use('web').user : null
    if (user) {
      // Anyone with a record or a role anywhere meets the usual checks (another
      // municipality's account: 404, audited); only a new account links first
      if (!municipality || (await this.#knownAnywhere(user.id))) return next()
      SignInReturn.remember(ctx, here)
      ctx.session.flash('notice', ctx.i18n.t('resident_visits.arrival.record_first'))
      return ctx.response.redirect('/my/link')
    }
    SignInReturn.remember(ctx, here, await this.#prompt(ctx, municipality))
    return ctx.response.redirect('/login')
  }

  /** Whether the account has a resident record or a role in any municipality (or the platform) */
  async #knownAnywhere(userId: number) {
    const resident = await db.from('residents').where('user_id', userId).select('id').first()
    if (resident) return true
    const membership = await db.from('memberships').where('user_id', userId).select('id').first()
    return Boolean(membership)
  }

  /** "To confirm your visit of 〇〇 at △△, please sign in", and how a first-timer goes on */
  async #prompt(ctx: HttpContext, municipality: Municipality | null) {
    const { i18n } = ctx
    return i18n.t('resident_visits.arrival.with_sign_up', {
      waiting: await this.#waiting(ctx, municipality),
      sign_up: i18n.t('resident_visits.arrival.new_here'),
    })
  }

  async #waiting({ i18n, request }: HttpContext, municipality: Municipality | null) {
    const credential = visitCredentialFrom(request.qs())
    const unnamed = i18n.t('resident_visits.arrival.prompt_unnamed')
    if (!municipality || typeof credential === 'string' || !('token' in credential)) return unnamed
    try {
      const visit = await VisitTokens.peek(municipality.id, credential)
      const described = await ResidentVisits.describe(visit, i18n.locale)
      const key = described.provider ? 'prompt' : 'prompt_service'
      return i18n.t(`resident_visits.arrival.${key}`, described)
    } catch (error) {
      // Used or expired: said kindly once signed in (the visit's own page)
      if (!(error instanceof LedgerRefusal)) throw error
      return unnamed
    }
  }
}
