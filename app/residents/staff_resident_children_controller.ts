import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  childFieldsFrom,
  createChildValidator,
  updateChildValidator,
} from '#residents/resident_validator'
import {
  audited404,
  refused,
  residentDirectory,
  residentIdFrom,
  residentPath,
} from '#residents/staff_resident_responses'

/**
 * A resident's children in the staff console: add a child (or the children
 * of one multiple birth) and correct one, which may issue the lots its new
 * dates bring. Municipal administrators and staff only; another
 * municipality's resident or child is 404.
 */
export default class StaffResidentChildrenController {
  async storeChild(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = residentIdFrom(ctx)
    await audited404(ctx, () => residentDirectory(ctx).find(residentId))
    const input = await request.validateUsing(createChildValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    try {
      const added = await residentDirectory(ctx).addChildren(
        residentId,
        { ...childFieldsFrom(input), count: input.count ?? 1 },
        staffActionFrom(ctx)
      )
      session.flash('notice', i18n.t('staff_residents.flash.child_added', { count: added.length }))
      return response.redirect(`${residentPath(ctx, residentId)}#children`)
    } catch (error) {
      return refused(ctx, error, (field) => field)
    }
  }

  async updateChild(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant, params } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = residentIdFrom(ctx)
    await audited404(ctx, () => residentDirectory(ctx).find(residentId))
    const input = await request.validateUsing(updateChildValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    try {
      const { lotsIssued } = await audited404(ctx, () =>
        residentDirectory(ctx).updateChild(
          residentId,
          Number(params.child),
          childFieldsFrom(input),
          staffActionFrom(ctx)
        )
      )
      session.flash(
        'notice',
        lotsIssued > 0
          ? i18n.t('staff_residents.flash.child_updated_with_lots', { count: lotsIssued })
          : i18n.t('staff_residents.flash.child_updated')
      )
      return response.redirect(`${residentPath(ctx, residentId)}#children`)
    } catch (error) {
      return refused(ctx, error, (field) => field)
    }
  }
}
