import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as vineErrors } from '@vinejs/vine'
import ConsolePolicy from '#tenancy/console_policy'
import ResidentDirectory, { type ResidentFields } from '#residents/resident_directory'
import ResidentRefusal from '#residents/resident_refusal'
import ResidentClaims from '#residents/resident_claims'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  childFieldsFrom,
  createChildValidator,
  createResidentValidator,
  residentSearchValidator,
  updateChildValidator,
  updateResidentValidator,
} from '#residents/resident_validator'

type ResidentInput = {
  resident_number: string
  family_name: string
  given_name: string
  family_name_kana: string
  given_name_kana: string
  phone?: string | null
  household_notes?: string | null
}

type ClaimCodeFlash = { code: string; residentNumber: string; expiresAt: string }

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
export default class ResidentsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const input = await request.validateUsing(residentSearchValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    const query = input.q ?? ''
    const result = await this.#directory(ctx).search(query, input.page ?? 1, staffActionFrom(ctx))
    return inertia.render('staff/residents/index', { query, result })
  }

  async create(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    return inertia.render('staff/residents/create', {})
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
      const resident = await this.#directory(ctx).register(
        residentFields(input),
        withChild ? { ...child, count: input.child_count ?? 1 } : null,
        staffActionFrom(ctx)
      )
      session.flash('notice', i18n.t('staff_residents.flash.registered'))
      return response.redirect(this.#residentPath(ctx, resident.id))
    } catch (error) {
      return this.#refused(ctx, error, (field) =>
        field === 'resident_number' ? field : `child_${field}`
      )
    }
  }

  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await this.#audited404(ctx, () =>
      this.#directory(ctx).view(this.#residentId(ctx), staffActionFrom(ctx))
    )
    // A code just issued is shown once: it came through the session, never a URL
    const claimCode = (ctx.session.flashMessages.get('claimCode') as ClaimCodeFlash) ?? null
    return inertia.render('staff/residents/show', { resident, claimCode })
  }

  /**
   * A one-time code the resident types with their 利用者ID to link their
   * own account to this record (app: アプリの利用開始). Shown once, on the
   * resident's page; only its hash is kept.
   */
  async claimCode(ctx: HttpContext) {
    const { bouncer, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = this.#residentId(ctx)
    try {
      const issued = await this.#audited404(ctx, () =>
        new ResidentClaims().issue(tenant.municipalityId, residentId, staffActionFrom(ctx))
      )
      session.flash('claimCode', {
        code: issued.code,
        residentNumber: issued.residentNumber,
        expiresAt: issued.expiresAt.toISOString(),
      } satisfies ClaimCodeFlash)
      session.flash('notice', i18n.t('staff_residents.claim_code.issued'))
    } catch (error) {
      if (!(error instanceof ResidentAccountRefusal)) throw error
      session.flash('error', i18n.t(`staff_residents.claim_code.refusals.${error.code}`))
    }
    return response.redirect(`${this.#residentPath(ctx, residentId)}#app-start`)
  }

  async edit(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const resident = await this.#audited404(ctx, () =>
      this.#directory(ctx).forEditing(this.#residentId(ctx), staffActionFrom(ctx))
    )
    return inertia.render('staff/residents/edit', { resident })
  }

  async update(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = this.#residentId(ctx)
    // Unknown ids are 404 before the form is read
    await this.#audited404(ctx, () => this.#directory(ctx).find(residentId))
    const input = await request.validateUsing(updateResidentValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    try {
      const { changed } = await this.#directory(ctx).update(
        residentId,
        residentFields(input),
        staffActionFrom(ctx)
      )
      session.flash(
        'notice',
        i18n.t(changed.length ? 'staff_residents.flash.updated' : 'staff_residents.flash.unchanged')
      )
      return response.redirect(this.#residentPath(ctx, residentId))
    } catch (error) {
      return this.#refused(ctx, error, (field) => field)
    }
  }

  async storeChild(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = this.#residentId(ctx)
    await this.#audited404(ctx, () => this.#directory(ctx).find(residentId))
    const input = await request.validateUsing(createChildValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    try {
      const added = await this.#directory(ctx).addChildren(
        residentId,
        { ...childFieldsFrom(input), count: input.count ?? 1 },
        staffActionFrom(ctx)
      )
      session.flash('notice', i18n.t('staff_residents.flash.child_added', { count: added.length }))
      return response.redirect(`${this.#residentPath(ctx, residentId)}#children`)
    } catch (error) {
      return this.#refused(ctx, error, (field) => field)
    }
  }

  async updateChild(ctx: HttpContext) {
    const { bouncer, request, response, session, i18n, tenant, params } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = this.#residentId(ctx)
    await this.#audited404(ctx, () => this.#directory(ctx).find(residentId))
    const input = await request.validateUsing(updateChildValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_residents.fields'),
    })
    try {
      const { lotsIssued } = await this.#audited404(ctx, () =>
        this.#directory(ctx).updateChild(
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
      return response.redirect(`${this.#residentPath(ctx, residentId)}#children`)
    } catch (error) {
      return this.#refused(ctx, error, (field) => field)
    }
  }

  #directory(ctx: HttpContext) {
    return new ResidentDirectory(ctx.tenant.municipalityId)
  }

  #residentId(ctx: HttpContext) {
    return Number(ctx.params.resident)
  }

  #residentPath(ctx: HttpContext, residentId: number) {
    return `/m/${ctx.tenant.municipality.slug}/residents/${residentId}`
  }

  /**
   * A resident or child id this municipality does not have answers 404;
   * the attempt is on the record (it may be another municipality's).
   */
  async #audited404<T>(ctx: HttpContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof lucidErrors.E_ROW_NOT_FOUND)) throw error
      return auditedNotFound(ctx, 'resident.not_found', {
        resident_id: this.#residentId(ctx),
        ...(ctx.params.child ? { child_id: Number(ctx.params.child) } : {}),
      })
    }
  }

  /** A refused change goes back to the form with the reason under its field */
  #refused(ctx: HttpContext, error: unknown, fieldFor: (field: string) => string) {
    if (!(error instanceof ResidentRefusal)) throw error
    ctx.session.flashValidationErrors(
      new vineErrors.E_VALIDATION_ERROR([
        { field: fieldFor(error.field), message: error.translate(ctx.i18n), rule: error.code },
      ])
    )
    return ctx.response.redirect().back()
  }
}
