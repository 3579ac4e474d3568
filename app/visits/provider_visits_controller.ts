import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import QRCode from 'qrcode'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import { todayInJapan } from '#ledger/coupon_issuance'
import type Facility from '#tenancy/facility'
import ProviderVisits, { type ProviderVisitToken } from '#visits/provider_visits'
import ProviderResidentLookup from '#visits/provider_resident_lookup'
import AttemptThrottle, { type ThrottleRule } from '#identity/attempt_throttle'
import { visitLink } from '#visits/visit_links'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { startVisitValidator } from '#visits/provider_visit_validator'

/** Which field of the start form a refusal belongs under */
const START_FIELDS: Partial<Record<LedgerRefusalCode, string>> = {
  unknown_program: 'program',
  program_not_enabled: 'program',
  unknown_service: 'service',
  service_not_contracted: 'service',
  visit_length_not_allowed: 'hours',
  visit_start_required: 'visit_start',
  outside_hours: 'visit_start',
}

/** Plain visit tokens kept for the device that started them, by token id */
type KeptTokens = Record<string, { token: string; shortCode: string; expiresAt: string }>
const TOKENS_KEY = 'provider_visits.tokens'
/** Token ids whose confirmation (the resident's name) this session has already put on record */
const SEEN_KEY = 'provider_visits.seen'

/**
 * Lookups per account, whatever they find: a provider types the 利用者ID a
 * resident shows before a visit, a handful an hour; a run of lookups is
 * someone reading residents, hits as much as misses.
 */
const LOOKUP_RULES: ThrottleRule<{ userId: number }>[] = [
  {
    name: 'account',
    requests: 10,
    duration: '10 mins',
    blockDuration: '10 mins',
    key: ({ userId }) => `provider_lookup:account:${userId}`,
  },
]

/**
 * The provider console's visits: choose where to work, start a visit and
 * show its QR (and short code) until the resident confirms, look up a
 * resident's hours. Everything acts for ctx.provider (the provider
 * middleware), never for a provider id from the request; a facility id
 * from the request must be one of its facilities.
 *
 * The visit token is known only when it is issued (the table keeps its
 * SHA-256): the plain token stays in this session, for its ten minutes,
 * so only the device that started the visit shows the QR, and it is never
 * part of an address.
 */
export default class VisitsController {
  /** GET /provider: the municipality to work in, when there are several */
  async choose({ auth, inertia, response, session, i18n }: HttpContext) {
    const places = await ProviderVisits.places(auth.getUserOrFail().id, i18n.locale)
    if (places.length === 1) return response.redirect().toPath(`/m/${places[0].slug}/provider`)
    if (places.length === 0) {
      session.flash('notice', i18n.t('provider_visits.flash.no_provider'))
      return response.redirect().toPath('/')
    }
    return inertia.render('provider/visits/choose', { places })
  }

  /** GET /m/:municipality/provider: facility, start a visit, waiting approvals */
  async index(ctx: HttpContext) {
    const { inertia, tenant, provider, i18n } = ctx
    const facility = await this.#chosenFacility(ctx)
    const now = DateTime.now().setZone('Asia/Tokyo')
    return inertia.render('provider/visits/index', {
      provider: { name: provider.nameIn(i18n.locale) },
      facilities: provider.facilities.map((candidate) => ({
        id: candidate.id,
        name: candidate.nameIn(i18n.locale),
      })),
      facility: facility ? { id: facility.id, name: facility.nameIn(i18n.locale) } : null,
      programs: await ProviderVisits.programs(tenant.municipalityId, provider.id, i18n.locale),
      defaults: {
        visitDate: todayInJapan(),
        // Now, to the five minutes before
        visitStart: now.set({ minute: now.minute - (now.minute % 5) }).toFormat('HH:mm'),
      },
      waiting: await ProviderVisits.waiting(
        tenant.municipalityId,
        provider.id,
        facility?.id ?? null
      ),
    })
  }

  /** POST /m/:municipality/provider/visits: issue the visit QR */
  async store(ctx: HttpContext) {
    const { request, response, session, tenant, provider, i18n } = ctx
    const input = await request.validateUsing(startVisitValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_visits.fields'),
    })
    let facility: Facility | null = null
    if (input.facility_id !== undefined) {
      facility = await this.#ownFacility(ctx, input.facility_id)
    } else if (provider.facilities.length === 1) {
      facility = provider.facilities[0]
    } else if (provider.facilities.length > 1) {
      return this.#backWithError(ctx, 'facility_id', i18n.t('provider_visits.errors.facility'))
    }
    const [pluginId, programCode] = input.program.split('/')
    try {
      const issued = await ProviderVisits.start(
        {
          municipalityId: tenant.municipalityId,
          providerId: provider.id,
          facilityId: facility?.id ?? null,
          pluginId,
          programCode,
          service: input.service,
          visitDate: DateTime.fromJSDate(input.visit_date).toISODate()!,
          visitStart: input.visit_start,
          minutes: Math.round(input.hours * 60),
        },
        staffActionFrom(ctx)
      )
      this.#keep(ctx, issued)
      session.flash('notice', i18n.t('provider_visits.flash.started'))
      return response
        .redirect()
        .toPath(`/m/${tenant.municipality.slug}/provider/visits/${issued.id}`)
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      return this.#backWithError(ctx, START_FIELDS[error.code] ?? 'program', error.translate(i18n))
    }
  }

  /** GET /m/:municipality/provider/visits/:providerVisitToken: the QR until the resident confirms */
  async show(ctx: HttpContext) {
    const { params, inertia, tenant, provider, i18n } = ctx
    const tokenId = Number(params.providerVisitToken)
    const visit = await ProviderVisits.find(tenant.municipalityId, provider.id, tokenId)
    if (!visit) {
      return auditedNotFound(ctx, 'visit_token.not_found', { visit_token_id: tokenId })
    }
    if (visit.state === 'confirmed') await this.#recordConfirmationSeen(ctx, visit)
    const kept = visit.state === 'open' ? this.#kept(ctx)[String(visit.id)] : undefined
    const slug = tenant.municipality.slug
    return inertia.render('provider/visits/show', {
      visit: {
        id: visit.id,
        state: visit.state,
        expiresAt: visit.expiresAt.toISOString(),
        redemptionId: visit.redemptionId,
        redemptionStatus: visit.redemptionStatus,
        residentName: visit.residentName,
        ...(await ProviderVisits.describe(visit, provider.facilities, i18n.locale)),
      },
      // Only the device that started the visit knows the token (none once used or expired).
      qr: () =>
        kept
          ? QRCode.toString(visitLink(slug, kept.token), {
              type: 'svg',
              errorCorrectionLevel: 'M',
              margin: 4,
            }).then((svg) => ({
              image: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
              shortCode: kept.shortCode,
            }))
          : null,
      restart: {
        program: `${visit.pluginId}/${visit.programCode}`,
        service: visit.service,
        facility_id: visit.facilityId,
        visit_date: visit.visitDate,
        visit_start: visit.visitStart,
        hours: visit.minutes / 60,
      },
      serverNow: new Date().toISOString(),
    })
  }

  /** GET /m/:municipality/provider/residents?number=…: a resident's hours for this provider */
  async lookup(ctx: HttpContext) {
    const { request, inertia, tenant, provider, i18n, auth } = ctx
    const raw = request.qs().number
    const render = (props: Record<string, unknown>) =>
      inertia.render('provider/visits/lookup', {
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
    // Every lookup takes its place before it runs, and keeps it.
    const throttled = await new AttemptThrottle(LOOKUP_RULES).consume({
      userId: auth.getUserOrFail().id,
    })
    if (throttled !== null) {
      await ProviderResidentLookup.recordThrottled(
        tenant.municipalityId,
        provider.id,
        number,
        staffActionFrom(ctx)
      )
      return render({ error: i18n.t('provider_visits.lookup.errors.too_many') })
    }
    const result = await ProviderResidentLookup.lookup(
      tenant.municipalityId,
      provider.id,
      number,
      staffActionFrom(ctx),
      i18n.locale
    )
    if (!result) return render({ error: i18n.t('provider_visits.lookup.errors.not_found') })
    return render({ result })
  }

  /**
   * The facility the visits start at: `?facility=<id>` (one of the
   * provider's, remembered per municipality), the only one, or the one
   * remembered; null while the member of staff has yet to choose.
   */
  async #chosenFacility(ctx: HttpContext) {
    const { request, session, tenant, provider } = ctx
    const key = `provider_visits.facility.${tenant.municipalityId}`
    const asked = request.qs().facility
    if (asked !== undefined) {
      const facility = await this.#ownFacility(ctx, asked)
      session.put(key, facility.id)
      return facility
    }
    if (provider.facilities.length === 1) return provider.facilities[0]
    const remembered = Number(session.get(key))
    return provider.facilities.find((candidate) => candidate.id === remembered) ?? null
  }

  /** One of the provider's facilities, or 404 (audited) */
  async #ownFacility(ctx: HttpContext, id: unknown) {
    const facility = ctx.provider.facilities.find(
      (candidate) => String(candidate.id) === String(id)
    )
    if (!facility) {
      return auditedNotFound(ctx, 'facility.not_found', {
        facility_id: /^\d{1,12}$/.test(String(id)) ? Number(id) : null,
      })
    }
    return facility
  }

  #backWithError(ctx: HttpContext, field: string, message: string) {
    ctx.session.flashAll()
    ctx.session.flash('inputErrorsBag', { [field]: [message] })
    return ctx.response.redirect().back()
  }

  #kept(ctx: HttpContext): KeptTokens {
    const kept = ctx.session.get(TOKENS_KEY)
    return kept && typeof kept === 'object' ? (kept as KeptTokens) : {}
  }

  /** Keeps the new token for this session, and drops the ones that have expired */
  #keep(
    ctx: HttpContext,
    issued: { id: number; token: string; shortCode: string; expiresAt: Date }
  ) {
    const now = Date.now()
    const kept = Object.fromEntries(
      Object.entries(this.#kept(ctx)).filter(([, entry]) => Date.parse(entry.expiresAt) > now)
    )
    kept[String(issued.id)] = {
      token: issued.token,
      shortCode: issued.shortCode,
      expiresAt: issued.expiresAt.toISOString(),
    }
    ctx.session.put(TOKENS_KEY, kept)
  }

  /**
   * Once the resident has confirmed, the page shows their name: personal
   * data, put on record once per visit and session (the page polls).
   */
  async #recordConfirmationSeen(ctx: HttpContext, visit: ProviderVisitToken) {
    const seen = ctx.session.get(SEEN_KEY)
    const list: number[] = Array.isArray(seen) ? seen.map(Number) : []
    if (list.includes(visit.id)) return
    await recordStaffEvent(ctx, {
      action: 'visit.confirmation_viewed',
      purpose: 'provider_visit',
      subjectResidentId: visit.residentId,
      details: { visit_token_id: visit.id, redemption_id: visit.redemptionId },
    })
    ctx.session.put(SEEN_KEY, [...list.slice(-49), visit.id])
    // The token has done its work: forget it.
    const kept = this.#kept(ctx)
    if (kept[String(visit.id)]) {
      delete kept[String(visit.id)]
      ctx.session.put(TOKENS_KEY, kept)
    }
  }
}
