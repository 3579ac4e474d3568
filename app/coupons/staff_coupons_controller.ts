import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import PluginPermissionPolicy from '#plugin_host/plugin_permission_policy'
import ConsolePolicy from '#tenancy/console_policy'
import CouponAdministration from '#ledger/coupon_administration'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import Resident from '#residents/resident'
import Child from '#residents/child'
import ResidentCoupons from '#ledger/resident_coupons'
import GrantNotices from '#coupons/grant_notices'
import { formatCalendarDate } from '#shared/calendar_date'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  issueCouponValidator,
  lotExpiryValidator,
  revokeLotValidator,
} from '#coupons/staff_coupon_validator'

/** Which field of the issue form a refusal belongs under */
const ISSUE_FIELDS: Partial<Record<LedgerRefusalCode, string>> = {
  unknown_program: 'program',
  program_not_enabled: 'program',
  unknown_definition: 'program',
  child_required: 'child_id',
  child_not_found: 'child_id',
  child_dates_missing: 'child_id',
  child_too_old: 'child_id',
  window_required: 'window',
  unknown_window: 'window',
  window_not_for_birth: 'window',
  windows_over: 'window',
  invalid_amount: 'hours',
  not_whole_units: 'hours',
  below_minimum: 'hours',
  cap_exceeded: 'hours',
  copayment_tier_required: 'copayment_tier',
  unknown_copayment_tier: 'copayment_tier',
}

const EXPIRY_FIELDS: Partial<Record<LedgerRefusalCode, string>> = {
  reason_required: 'reason',
}

/**
 * A resident's coupons in the staff console: every lot per program with
 * its definition version, balances per service, and the staff actions on
 * them: issue or add hours (発行・追加), revoke (取消) and set the expiry,
 * each with a reason where one is asked. Refusals of the program's rules
 * come back under the form's field. Another municipality's resident or
 * lot is 404, and the attempt is audited.
 */
export default class CouponsController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await this.#resident(ctx)
    const coupons = new ResidentCoupons(tenant.municipalityId, i18n.locale)
    const programs = await coupons.of(resident.id)
    const children = await Child.query()
      .where({ municipalityId: tenant.municipalityId, residentId: resident.id })
      .orderBy('id')

    await recordStaffEvent(ctx, {
      action: 'coupons.viewed',
      subjectResidentId: resident.id,
      purpose: 'coupon_administration',
      details: { lot_ids: programs.flatMap((program) => program.lots.map((lot) => lot.id)) },
    })

    return inertia.render('staff/coupons/index', {
      resident: {
        id: resident.id,
        residentNumber: resident.residentNumber,
        name: `${resident.familyName} ${resident.givenName}`,
      },
      children: children.map((child) => ({
        id: child.id,
        givenName: child.givenName,
        birthDate: child.birthDate,
        dueDate: child.dueDate,
        multipleBirth: child.multipleBirth,
      })),
      programs,
      today: DateTime.now().setZone('Asia/Tokyo').toISODate(),
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await this.#resident(ctx)
    const input = await request.validateUsing(issueCouponValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_coupons.fields'),
    })
    const [pluginId, programCode] = input.program.split('/')
    // A plugin that declares who may issue its coupons is asked too.
    const host = await app.container.make('plugins')
    if (host.get(pluginId)?.permissions?.some((permission) => permission.key === 'issue')) {
      await bouncer.with(PluginPermissionPolicy).authorize('use', tenant, pluginId, 'issue')
    }
    try {
      // Tells the resident by mail once the grant commits.
      const issued = await GrantNotices.issue(
        {
          pluginId,
          programCode,
          municipalityId: tenant.municipalityId,
          residentId: resident.id,
          childId: input.child_id ?? null,
          windowKey: input.window ?? null,
          minutes: input.hours === undefined ? null : Math.round(input.hours * 60),
          copaymentTier: input.copayment_tier ?? null,
        },
        staffActionFrom(ctx)
      )
      const minutes = issued.reduce((total, lot) => total + lot.minutes, 0)
      session.flash(
        'notice',
        i18n.t('staff_coupons.flash.issued', { hours: minutes / 60, lots: issued.length })
      )
      return response.redirect(this.#coupons(ctx, resident.id))
    } catch (error) {
      return this.#refused(ctx, error, (code) => ISSUE_FIELDS[code] ?? 'program')
    }
  }

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
      return response.redirect(this.#coupons(ctx, revoked.residentId))
    } catch (error) {
      return this.#refused(ctx, error, () => 'reason')
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
      return response.redirect(this.#coupons(ctx, changed.residentId))
    } catch (error) {
      return this.#refused(ctx, error, (code) => EXPIRY_FIELDS[code] ?? 'valid_to')
    }
  }

  #coupons(ctx: HttpContext, residentId: number) {
    return `/m/${ctx.tenant.municipality.slug}/residents/${residentId}/coupons`
  }

  /** The resident of this municipality, or 404 (the attempt audited) */
  async #resident(ctx: HttpContext): Promise<Resident> {
    const residentId = Number(ctx.params.resident)
    const resident = await Resident.query()
      .where({ id: residentId, municipalityId: ctx.tenant.municipalityId })
      .first()
    if (!resident) {
      return auditedNotFound(ctx, 'resident.not_found', { resident_id: residentId })
    }
    return resident
  }

  /** A refusal goes back to the form: the reason under its field, input kept */
  #refused(ctx: HttpContext, error: unknown, fieldFor: (code: LedgerRefusalCode) => string) {
    if (!(error instanceof LedgerRefusal)) throw error
    ctx.session.flashAll()
    ctx.session.flash('inputErrorsBag', { [fieldFor(error.code)]: [error.translate(ctx.i18n)] })
    return ctx.response.redirect().back()
  }
}
