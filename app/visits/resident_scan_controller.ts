import type { HttpContext } from '@adonisjs/core/http'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import VisitTokens, { type VisitCredential } from '#visits/visit_tokens'
import VisitCopayment from '#ledger/visit_copayment'
import ResidentVisits from '#visits/resident_visits'
import { localizedText } from '#shared/localized_text'
import AttemptThrottle, { type ThrottleRule } from '#identity/attempt_throttle'
import { staffActionFrom } from '#audit/staff_action'
import { visitCredentialFrom } from '#visits/resident_visit_validator'

/**
 * Wrong short codes per account: an 8-digit code lives 10 minutes, so a
 * handful of tries is plenty for a person and nothing for a guesser.
 */
const SHORT_CODE_RULES: ThrottleRule<{ userId: number }>[] = [
  {
    name: 'account',
    requests: 10,
    duration: '15 mins',
    blockDuration: '15 mins',
    key: ({ userId }) => `visit_code:account:${userId}`,
  },
]

/** Refusals about the QR itself send the resident back to scan again */
const TOKEN_REFUSALS = new Set<LedgerRefusalCode>([
  'visit_token_unknown',
  'visit_token_used',
  'visit_token_expired',
])

/**
 * A resident uses a visit: scan the provider's visit QR (or type its short
 * code), check the details, confirm (the hours are reserved); the visit is
 * then followed on its own page (VisitsController). Everything acts on the
 * signed-in account's own resident record (ctx.resident).
 */
export default class ResidentScanController {
  /** GET /scan: the scan page of the municipality where the account is a resident */
  async chooseScan({ auth, inertia, response, session, i18n }: HttpContext) {
    const places = await ResidentVisits.municipalitiesOf(auth.getUserOrFail().id)
    if (places.length === 1) return response.redirect().toPath(`/m/${places[0].slug}/my/scan`)
    if (places.length === 0) {
      session.flash('notice', i18n.t('resident_visits.flash.no_record'))
      return response.redirect().toPath('/')
    }
    return inertia.render('visits/resident/choose', {
      places: places.map((place) => ({
        slug: String(place.slug),
        name: localizedText({ ja: String(place.name_ja), en: String(place.name_en) }, i18n.locale),
      })),
    })
  }

  async scan({ inertia }: HttpContext) {
    return inertia.render('visits/resident/scan', {})
  }

  /** GET /my/visit?token=…|?code=…: the visit's details, before confirming */
  async show(ctx: HttpContext) {
    const { request, inertia, tenant, resident, i18n } = ctx
    const credential = visitCredentialFrom(request.qs())
    // Nothing to look up: the scan page itself (a bookmark, a bare link).
    if (credential === 'missing') return inertia.render('visits/resident/scan', {})
    if (credential === 'invalid') return this.#backToScan(ctx, 'resident_visits.errors.bad_code')
    if (await this.#throttled(ctx, credential)) {
      return this.#backToScan(ctx, 'resident_visits.errors.too_many_codes')
    }

    let visit
    try {
      visit = await VisitTokens.peek(tenant.municipalityId, credential)
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      await this.#settle(ctx, credential, error)
      // Often a QR opened a while ago (signing in or up took time): said calmly
      if (error.code === 'visit_token_expired') {
        ctx.session.flash('notice', i18n.t('resident_visits.arrival.expired'))
        return ctx.response.redirect().toPath(`/m/${tenant.municipality.slug}/my/scan`)
      }
      return this.#backToScan(ctx, error.translate(i18n), false)
    }
    await this.#settle(ctx, credential, null)
    const before = await ResidentVisits.minutesLeft(tenant.municipalityId, resident.id, visit)
    return inertia.render('visits/resident/confirm', {
      credential:
        'token' in credential ? { token: credential.token } : { code: credential.shortCode },
      visit: await ResidentVisits.describe(visit, i18n.locale),
      balance: {
        before,
        after: before >= visit.minutes ? before - visit.minutes : null,
      },
      copayment: await VisitCopayment.of(tenant.municipalityId, resident.id, visit),
    })
  }

  /** POST /my/visit: the resident confirms; the token is used and the hours reserved together */
  async store(ctx: HttpContext) {
    const { request, response, session, tenant, resident, i18n } = ctx
    const credential = visitCredentialFrom(request.only(['token', 'code']))
    if (credential === 'missing' || credential === 'invalid') {
      return this.#backToScan(ctx, 'resident_visits.errors.bad_code')
    }
    if (await this.#throttled(ctx, credential)) {
      return this.#backToScan(ctx, 'resident_visits.errors.too_many_codes')
    }
    try {
      const { redemptionId } = await VisitTokens.redeem(
        tenant.municipalityId,
        resident.id,
        credential,
        staffActionFrom(ctx)
      )
      await this.#settle(ctx, credential, null)
      session.flash('notice', i18n.t('resident_visits.flash.reserved'))
      return response.redirect().toPath(`/m/${tenant.municipality.slug}/my/visits/${redemptionId}`)
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      await this.#settle(ctx, credential, error)
      if (TOKEN_REFUSALS.has(error.code)) return this.#backToScan(ctx, error.translate(i18n), false)
      // A rule refused the visit; the token is still unused: show the details again.
      session.flash('error', error.translate(i18n))
      const query =
        'token' in credential
          ? `token=${encodeURIComponent(credential.token)}`
          : `code=${credential.shortCode}`
      return response.redirect().toPath(`/m/${tenant.municipality.slug}/my/visit?${query}`)
    }
  }

  #backToScan(ctx: HttpContext, message: string, translate = true) {
    ctx.session.flash('error', translate ? ctx.i18n.t(message) : message)
    return ctx.response.redirect().toPath(`/m/${ctx.tenant.municipality.slug}/my/scan`)
  }

  /**
   * A short code takes its place in the account's limit before it is
   * looked up, so codes sent at once cannot look up more than the limit.
   */
  async #throttled(ctx: HttpContext, credential: VisitCredential) {
    if (!('shortCode' in credential)) return false
    const userId = ctx.auth.getUserOrFail().id
    return (await new AttemptThrottle(SHORT_CODE_RULES).consume({ userId })) !== null
  }

  /** Only a short code that matches no visit counts: any other gives its place back */
  async #settle(ctx: HttpContext, credential: VisitCredential, refusal: LedgerRefusal | null) {
    if (!('shortCode' in credential) || refusal?.code === 'visit_token_unknown') return
    await new AttemptThrottle(SHORT_CODE_RULES).refund({ userId: ctx.auth.getUserOrFail().id })
  }
}
