import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import type { ResidentFields } from '#residents/resident_directory'
import { recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import ResidentCoupons from '#ledger/resident_coupons'
import { staffFieldNames } from '#http/staff_field_names'
import {
  childFieldsFrom,
  createResidentValidator,
  residentSearchValidator,
  updateResidentValidator,
} from '#residents/resident_validator'
import {
  audited404,
  refused,
  residentDirectory,
  residentIdFrom,
  residentPath,
  type ClaimCodeFlash,
} from '#residents/staff_resident_responses'

type ResidentInput = {
  resident_number: string
  family_name: string
  given_name: string
  family_name_kana: string
  given_name_kana: string
  phone?: string | null
  household_notes?: string | null
}

function residentFields(input: ResidentInput): ResidentFields {
  return {
    residentNumber: input.resident_number,
    familyName: input.family_name,
    givenName: input.given_name,
    familyNameKana: input.family_name_kana,
    givenNameKana: input.given_name_kana,
    phone: input.phone ?? null,
    householdNotes: input.household_notes || null,
  }
}

/**
 * The residents section of the staff console: search, register, edit,
 * the resident's page with children and household notes. Municipal
 * administrators and staff only; another municipality's resident is 404.
 */
export default class StaffResidentsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const input = await request.validateUsing(residentSearchValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    const query = input.q ?? ''
    const result = await residentDirectory(ctx).search(
      query,
      { page: input.page ?? 1, after: input.after, before: input.before, last: input.last },
      staffActionFrom(ctx)
    )
    return inertia.render('residents/staff/index', { query, result })
  }

  async create(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    return inertia.render('residents/staff/create', {})
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const input = await request.validateUsing(createResidentValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    const child = childFieldsFrom({
      given_name: input.child_given_name,
      due_date: input.child_due_date,
      birth_date: input.child_birth_date,
      multiple_birth: input.child_multiple_birth,
    })
    const withChild = Boolean(child.dueDate || child.birthDate || child.givenName)
    try {
      const resident = await residentDirectory(ctx).register(
        residentFields(input),
        withChild ? { ...child, count: input.child_count ?? 1 } : null,
        staffActionFrom(ctx)
      )
      session.flash('notice', i18n.t('staff_residents.flash.registered'))
      return response.redirect(residentPath(ctx, resident.id))
    } catch (error) {
      return refused(ctx, error, (field) =>
        field === 'resident_number' ? field : `child_${field}`
      )
    }
  }

  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await audited404(ctx, () =>
      residentDirectory(ctx).view(residentIdFrom(ctx), staffActionFrom(ctx))
    )
    // A code just issued is shown once: it came through the session, never a URL
    const claimCode = (ctx.session.flashMessages.get('claimCode') as ClaimCodeFlash) ?? null
    const coupons = await this.#couponSummary(ctx, resident.id)
    return inertia.render('residents/staff/show', { resident, claimCode, coupons })
  }

  async edit(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await audited404(ctx, () =>
      residentDirectory(ctx).forEditing(residentIdFrom(ctx), staffActionFrom(ctx))
    )
    return inertia.render('residents/staff/edit', { resident })
  }

  async update(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = residentIdFrom(ctx)
    // Unknown ids are 404 before the form is read
    await audited404(ctx, () => residentDirectory(ctx).find(residentId))
    const input = await request.validateUsing(updateResidentValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    try {
      const { changed } = await residentDirectory(ctx).update(
        residentId,
        residentFields(input),
        staffActionFrom(ctx)
      )
      session.flash(
        'notice',
        i18n.t(changed.length ? 'staff_residents.flash.updated' : 'staff_residents.flash.unchanged')
      )
      return response.redirect(residentPath(ctx, residentId))
    } catch (error) {
      return refused(ctx, error, (field) => field)
    }
  }

  /**
   * What the counter needs first: per program the resident holds, the hours
   * left (shared hours as one figure), the usable lots with their last
   * day, and the visits waiting for a provider. Audited as a coupon read.
   */
  async #couponSummary(ctx: HttpContext, residentId: number) {
    const programs = await new ResidentCoupons(ctx.tenant.municipalityId, ctx.i18n.locale).of(
      residentId
    )
    const held = programs.filter((program) => program.lots.length > 0)
    await recordStaffEvent(ctx, {
      action: 'coupons.viewed',
      subjectResidentId: residentId,
      purpose: 'resident_record',
      details: { lot_ids: held.flatMap((program) => program.lots.map((lot) => lot.id)) },
    })
    return held.map((program) => ({
      key: program.key,
      name: program.name,
      pools: program.pools,
      pending: program.pending,
      lots: program.lots
        .filter((lot) => lot.status === 'active' && !lot.lapsed)
        .sort((a, b) => a.validTo.localeCompare(b.validTo) || a.id - b.id)
        .map((lot) => ({
          id: lot.id,
          window: lot.window,
          validFrom: lot.validFrom,
          validTo: lot.validTo,
          grantedMinutes: lot.grantedMinutes,
          availableMinutes: lot.availableMinutes,
        })),
    }))
  }
}
