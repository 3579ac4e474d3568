import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import Resident from '#residents/resident'
import ResidentCoupons from '#ledger/resident_coupons'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import UsageSearch, {
  USAGE_PAGE_SIZE,
  currentMonthInJapan,
  type UsageFilters,
} from '#usage/usage_search'
import { staffFieldNames } from '#http/staff_field_names'
import { type RefusalFields, refusedToForm } from '#http/form_refusals'
import { cancelRedemptionValidator, usageFiltersValidator } from '#usage/staff_usage_validator'
import { localizedText } from '#shared/localized_text'
import type { LocalizedText } from '#plugin_host/define_plugin'

/**
 * The cancel form's refusals go under its reason; a visit no longer
 * approved (cancelled meanwhile) has no cancel form on the page any more.
 */
const CANCEL_REFUSALS: RefusalFields<LedgerRefusalCode> = {
  otherwise: 'reason',
  fields: { not_posted: null },
}

/**
 * Usage (利用実績) of the municipality: every redemption, filtered by
 * resident, program, service, month, facility and status, with the hours
 * per status for the filter; and the staff cancellation of an approved
 * visit (利用取消) with a reason, which gives the hours back.
 */
export default class StaffUsageController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const input = await request.validateUsing(usageFiltersValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_coupons.fields'),
    })
    const [pluginId, programCode] = input.program?.split('/') ?? []
    const month = input.month ?? currentMonthInJapan()
    const filters: UsageFilters = {
      residentNumber: input.resident,
      pluginId,
      programCode,
      service: input.service,
      month: month === 'all' ? null : month,
      facilityId: input.facility,
      status: input.status,
    }
    const page = input.page ?? 1
    const search = new UsageSearch(tenant.municipalityId, filters)
    const rows = await search.page(page)
    const totals = await search.totals()

    const subject = input.resident
      ? await Resident.query()
          .where({ municipalityId: tenant.municipalityId, residentNumber: input.resident })
          .first()
      : null
    await recordStaffEvent(ctx, {
      action: 'usage.viewed',
      subjectResidentId: subject?.id ?? null,
      purpose: 'usage_review',
      details: {
        filters: { ...filters, residentNumber: undefined, resident_filter: Boolean(subject) },
        page,
        resident_ids: UsageSearch.residentIds(rows),
      },
    })

    const programs = await new ResidentCoupons(tenant.municipalityId, i18n.locale).programs()
    const facilities = await UsageSearch.facilities(tenant.municipalityId)
    const text = (value: LocalizedText) => localizedText(value, i18n.locale)
    return inertia.render('usage/staff/index', {
      filters: {
        resident: input.resident ?? '',
        program: input.program ?? '',
        service: input.service ?? '',
        month,
        facility: input.facility ? String(input.facility) : '',
        status: input.status ?? '',
      },
      programs: programs.map(({ plugin, program }) => ({
        key: `${plugin.id}/${program.code}`,
        name: text(program.name),
        services: program.services.map((service) => ({
          code: service.code,
          name: text(service.name),
        })),
      })),
      facilities: facilities.map((facility) => ({
        id: Number(facility.id),
        name: localizedText({ ja: facility.name_ja, en: facility.name_en }, i18n.locale),
        provider: localizedText(
          { ja: facility.provider_name_ja, en: facility.provider_name_en },
          i18n.locale
        ),
      })),
      result: {
        rows: rows.map(
          ({ facilityNameJa, facilityNameEn, providerNameJa, providerNameEn, ...row }) => ({
            ...row,
            facility: i18n.locale === 'en' ? facilityNameEn : facilityNameJa,
            provider: i18n.locale === 'en' ? providerNameEn : providerNameJa,
          })
        ),
        total: totals.visits,
        byStatus: totals.byStatus,
        page,
        pageSize: USAGE_PAGE_SIZE,
      },
    })
  }

  async cancel(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const redemptionId = Number(ctx.params.redemption)
    const { reason } = await request.validateUsing(cancelRedemptionValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_coupons.fields'),
    })
    try {
      const done = await CouponRedemption.cancel(
        tenant.municipalityId,
        redemptionId,
        reason,
        staffActionFrom(ctx)
      )
      if (!done) await auditedNotFound(ctx, 'redemption.not_found', { redemption_id: redemptionId })
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      return refusedToForm(ctx, error, CANCEL_REFUSALS)
    }
    session.flash('notice', i18n.t('staff_coupons.flash.cancelled'))
    return response.redirect().back()
  }
}
