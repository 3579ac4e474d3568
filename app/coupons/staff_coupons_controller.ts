import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import PluginPermissionPolicy from '#plugin_host/plugin_permission_policy'
import ConsolePolicy from '#tenancy/console_policy'
import Child from '#residents/child'
import ResidentCoupons from '#ledger/resident_coupons'
import GrantNotices from '#coupons/grant_notices'
import { recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { issueCouponValidator } from '#coupons/staff_coupon_validator'
import {
  type CouponRefusalFields,
  couponsPath,
  refused,
  residentOr404,
} from '#coupons/staff_coupon_responses'

/** Where the issue form's refusals go; any other code to its top ("program") */
const ISSUE_REFUSALS: CouponRefusalFields = {
  otherwise: 'program',
  fields: {
    unknown_program: null,
    program_not_enabled: null,
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
  },
}

/**
 * A resident's coupons in the staff console: every lot per program with
 * its definition version, balances per service, and issuing or adding
 * hours (発行・追加); revoking and the expiry are StaffLotsController's.
 * Refusals of the program's rules come back under the form's field.
 * Another municipality's resident is 404, and the attempt is audited.
 */
export default class StaffCouponsController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await residentOr404(ctx)
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

    return inertia.render('coupons/staff/index', {
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
    const resident = await residentOr404(ctx)
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
      return response.redirect(couponsPath(ctx, resident.id))
    } catch (error) {
      return refused(ctx, error, ISSUE_REFUSALS)
    }
  }
}
