import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import LedgerRefusal from '#ledger/ledger_refusal'
import { todayInJapan } from '#ledger/coupon_issuance'
import type Facility from '#tenancy/facility'
import { chosenFacility, ownFacility } from '#tenancy/provider_facilities'
import ProviderVisits from '#visits/provider_visits'
import { keepToken, keptTokens, recordConfirmationSeen } from '#visits/visit_token_session'
import { visitQrImage } from '#visits/visit_links'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { START_FIELDS, startVisitValidator } from '#visits/provider_visit_validator'

/**
 * The provider console's visits: choose where to work, start a visit and
 * show its QR (and short code) until the resident confirms (the resident
 * lookup is ProviderResidentLookupController's). Everything acts for ctx.provider
 * (the provider middleware), never for a provider id from the request; a
 * facility id from the request must be one of its facilities.
 *
 * The plain visit token stays in the session that started the visit
 * (visit_token_session), so only that device shows the QR.
 */
export default class ProviderVisitsController {
  /** GET /provider: the municipality to work in, when there are several */
  async choose({ auth, inertia, response, session, i18n }: HttpContext) {
    const places = await ProviderVisits.places(auth.getUserOrFail().id, i18n.locale)
    if (places.length === 1) return response.redirect().toPath(`/m/${places[0].slug}/provider`)
    if (places.length === 0) {
      session.flash('notice', i18n.t('provider_visits.flash.no_provider'))
      return response.redirect().toPath('/')
    }
    return inertia.render('visits/provider/visits/choose', { places })
  }

  /** GET /m/:municipality/provider: facility, start a visit, waiting approvals */
  async index(ctx: HttpContext) {
    const { inertia, tenant, provider, i18n } = ctx
    const facility = await chosenFacility(ctx)
    const now = DateTime.now().setZone('Asia/Tokyo')
    return inertia.render('visits/provider/visits/index', {
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
      facility = await ownFacility(ctx, input.facility_id)
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
      keepToken(ctx, issued)
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
    if (visit.state === 'confirmed') await recordConfirmationSeen(ctx, visit)
    const kept = visit.state === 'open' ? keptTokens(ctx)[String(visit.id)] : undefined
    const slug = tenant.municipality.slug
    return inertia.render('visits/provider/visits/show', {
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
          ? visitQrImage(slug, kept.token).then((image) => ({ image, shortCode: kept.shortCode }))
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

  #backWithError(ctx: HttpContext, field: string, message: string) {
    ctx.session.flashAll()
    ctx.session.flash('inputErrorsBag', { [field]: [message] })
    return ctx.response.redirect().back()
  }
}
