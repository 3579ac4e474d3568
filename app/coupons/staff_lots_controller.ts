import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import ConsolePolicy from '#tenancy/console_policy'
import CouponAdministration from '#ledger/coupon_administration'
import type { LedgerRefusalCode } from '#ledger/ledger_refusal'
import { formatCalendarDate } from '#shared/calendar_date'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { lotExpiryValidator, revokeLotValidator } from '#coupons/staff_coupon_validator'
import { couponsPath, refused } from '#coupons/staff_coupon_responses'

/** Which field of the expiry form a refusal belongs under */
const EXPIRY_FIELDS: Partial<Record<LedgerRefusalCode, string>> = {
  reason_required: 'reason',
}

/**
 * The staff actions on one lot of a resident's coupons: revoke (取消) and
 * set the expiry, each with a reason. Refusals come back under the form's
 * field. Another municipality's lot is 404, and the attempt is audited.
 */
export default class StaffLotsController {
  async revoke(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const lotId = Number(ctx.params.lot)
    const { reason } = await request.validateUsing(revokeLotValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_coupons.fields'),
    })
    try {
      const revoked = await CouponAdministration.revoke(
        tenant.municipalityId,
        lotId,
        reason,
        staffActionFrom(ctx)
      )
      if (!revoked) return auditedNotFound(ctx, 'coupon.not_found', { lot_id: lotId })
      session.flash(
        'notice',
        i18n.t('staff_coupons.flash.revoked', {
          hours: revoked.revokedMinutes / 60,
          held: revoked.heldMinutes / 60,
        })
      )
      return response.redirect(couponsPath(ctx, revoked.residentId))
    } catch (error) {
      return refused(ctx, error, () => 'reason')
    }
  }

  async expiry(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const lotId = Number(ctx.params.lot)
    const input = await request.validateUsing(lotExpiryValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_coupons.fields'),
    })
    try {
      const changed = await CouponAdministration.changeExpiry(
        tenant.municipalityId,
        lotId,
        DateTime.fromJSDate(input.valid_to).toISODate()!,
        input.reason,
        staffActionFrom(ctx)
      )
      if (!changed) return auditedNotFound(ctx, 'coupon.not_found', { lot_id: lotId })
      session.flash(
        'notice',
        i18n.t(
          changed.reopened ? 'staff_coupons.flash.reopened' : 'staff_coupons.flash.expiry_changed',
          {
            to: formatCalendarDate(i18n, changed.to),
            hours: changed.restoredMinutes / 60,
          }
        )
      )
      return response.redirect(couponsPath(ctx, changed.residentId))
    } catch (error) {
      return refused(ctx, error, (code) => EXPIRY_FIELDS[code] ?? 'valid_to')
    }
  }
}
