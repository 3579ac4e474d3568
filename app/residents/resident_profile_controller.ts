import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as vineErrors } from '@vinejs/vine'
import ResidentProfile from '#residents/resident_profile'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import ResidentRefusal from '#residents/resident_refusal'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { ownChildValidator, updateProfileValidator } from '#residents/resident_account_validator'
import { childFieldsFrom } from '#residents/resident_validator'

/**
 * The resident's own profile (/m/<slug>/my/profile): name, kana, phone,
 * language, children. Always ctx.resident (the signed-in account's own
 * record); a child id of anyone else answers 404, audited.
 */
export default class ResidentProfileController {
  async show(ctx: HttpContext) {
    const profile = await new ResidentProfile(ctx.resident).view()
    return ctx.inertia.render('residents/resident/profile', { profile })
  }

  async update(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const input = await request.validateUsing(updateProfileValidator, {
      messagesProvider: staffFieldNames(ctx, 'resident_account.fields'),
    })
    const { changed } = await new ResidentProfile(ctx.resident).update(
      {
        familyName: input.family_name,
        givenName: input.given_name,
        familyNameKana: input.family_name_kana,
        givenNameKana: input.given_name_kana,
        phone: input.phone || null,
      },
      staffActionFrom(ctx)
    )
    session.flash(
      'notice',
      i18n.t(changed.length ? 'resident_account.flash.saved' : 'resident_account.flash.unchanged')
    )
    return response.redirect(this.#profilePath(ctx))
  }

  async storeChild(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const input = await request.validateUsing(ownChildValidator, {
      messagesProvider: staffFieldNames(ctx, 'resident_account.fields'),
    })
    try {
      await new ResidentProfile(ctx.resident).addChild(childFieldsFrom(input), staffActionFrom(ctx))
    } catch (error) {
      return this.#refused(ctx, error)
    }
    session.flash('notice', i18n.t('resident_account.flash.child_added'))
    return response.redirect(`${this.#profilePath(ctx)}#children`)
  }

  async updateChild(ctx: HttpContext) {
    const { request, response, session, i18n, params } = ctx
    const childId = Number(params.ownChild)
    const profile = new ResidentProfile(ctx.resident)
    // Someone else's child is 404 before the form is read
    await this.#audited404(ctx, () => profile.findChild(childId))
    const input = await request.validateUsing(ownChildValidator, {
      messagesProvider: staffFieldNames(ctx, 'resident_account.fields'),
    })
    try {
      await profile.updateChild(childId, childFieldsFrom(input), staffActionFrom(ctx))
    } catch (error) {
      return this.#refused(ctx, error)
    }
    session.flash('notice', i18n.t('resident_account.flash.child_saved'))
    return response.redirect(`${this.#profilePath(ctx)}#children`)
  }

  #profilePath(ctx: HttpContext) {
    return `/m/${ctx.tenant.municipality.slug}/my/profile`
  }

  async #audited404<T>(ctx: HttpContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof lucidErrors.E_ROW_NOT_FOUND)) throw error
      return auditedNotFound(ctx, 'resident.not_found', {
        resident_id: ctx.resident.id,
        child_id: Number(ctx.params.ownChild),
      })
    }
  }

  /** A refused date goes back to the form, the reason under its field */
  #refused(ctx: HttpContext, error: unknown) {
    let field: string
    let message: string
    if (error instanceof ResidentRefusal) {
      field = error.field
      message = ctx.i18n.t(`resident_account.validation.${error.code}`)
    } else if (error instanceof ResidentAccountRefusal) {
      field = error.field ?? 'due_date'
      message = error.translate(ctx.i18n)
    } else {
      throw error
    }
    ctx.session.flashValidationErrors(
      new vineErrors.E_VALIDATION_ERROR([{ field, message, rule: 'refused' }])
    )
    return ctx.response.redirect().back()
  }
}
