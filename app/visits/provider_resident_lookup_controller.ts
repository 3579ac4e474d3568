import type { HttpContext } from '@adonisjs/core/http'
import ProviderResidentLookup from '#visits/provider_resident_lookup'
import { staffActionFrom } from '#audit/staff_action'

/**
 * The provider console's resident lookup: a resident's hours for
 * ctx.provider (the provider middleware), by the 利用者ID the resident
 * shows before a visit.
 */
export default class ProviderResidentLookupController {
  /** GET /m/:municipality/provider/residents?number=…: a resident's hours for this provider */
  async lookup(ctx: HttpContext) {
    const { request, inertia, tenant, provider, i18n, auth } = ctx
    const raw = request.qs().number
    const render = (props: Record<string, unknown>) =>
      inertia.render('visits/provider/visits/lookup', {
        number: typeof raw === 'string' ? raw.slice(0, 64) : '',
        searched: raw !== undefined,
        error: null,
        result: null,
        ...props,
      })
    if (raw === undefined) return render({})
    const number = typeof raw === 'string' ? ProviderResidentLookup.normalize(raw) : null
    if (number === null) {
      const empty = typeof raw !== 'string' || raw.trim() === ''
      return render({
        error: i18n.t(`provider_visits.lookup.errors.${empty ? 'empty' : 'invalid'}`),
      })
    }
    const result = await ProviderResidentLookup.lookupThrottled(
      auth.getUserOrFail().id,
      tenant.municipalityId,
      provider.id,
      number,
      staffActionFrom(ctx),
      i18n.locale
    )
    if (result === 'throttled') {
      return render({ error: i18n.t('provider_visits.lookup.errors.too_many') })
    }
    if (!result) return render({ error: i18n.t('provider_visits.lookup.errors.not_found') })
    return render({ result })
  }
}
