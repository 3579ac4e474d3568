import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import ConsolePolicy from '#tenancy/console_policy'
import CouponAdministration from '#ledger/coupon_administration'
import { formatCalendarDate } from '#shared/calendar_date'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { lotExpiryValidator, revokeLotValidator } from '#coupons/staff_coupon_validator'
import { type CouponRefusalFields, couponsPath, refused } from '#coupons/staff_coupon_responses'

/** A lot revoked or lapsed meanwhile has no revoke form on the page any more */
const REVOKE_REFUSALS: CouponRefusalFields = {
  otherwise: 'reason',
  fields: { lot_revoked: null, lot_expired: null },
}

/** A lot revoked meanwhile has no expiry form on the page any more */
const EXPIRY_REFUSALS: CouponRefusalFields = {
  otherwise: 'valid_to',
  fields: { reason_required: 'reason', lot_revoked: null },
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
      return refused(ctx, error, REVOKE_REFUSALS)
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
      return refused(ctx, error, EXPIRY_REFUSALS)
    }
  }
}
