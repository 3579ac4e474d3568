import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import Municipality from '#tenancy/municipality'
import ResidentClaims, { type RequestOrigin } from '#residents/resident_claims'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import ResidentRefusal from '#residents/resident_refusal'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import SignInReturn from '#identity/sign_in_return'
import { staffFieldNames } from '#http/staff_field_names'
import { linkRecordValidator, startRecordValidator } from '#residents/resident_account_validator'
import { childFieldsFrom } from '#residents/resident_validator'

/** Under which field of the form each refusal is shown */
const LINK_FIELDS: Record<string, string> = {
  account_already_linked: 'municipality',
  claim_failed: 'code',
  throttled: 'code',
}

/**
 * A signed-in account finds its resident record in a municipality: claim
 * the record staff registered (利用者ID + the one-time code staff handed
 * out), or register as a new resident ("first time"). Not inside a
 * municipality yet: the account may have no membership anywhere.
 */
export default class ResidentAccountController {
  async createLink(ctx: HttpContext) {
    return ctx.inertia.render('residents/resident/link', {
      municipalities: await this.#municipalities(ctx),
    })
  }

  async storeLink(ctx: HttpContext) {
    const { request, response, session, i18n, auth } = ctx
    const input = await request.validateUsing(linkRecordValidator, {
      messagesProvider: staffFieldNames(ctx, 'resident_account.fields'),
    })
    const municipality = await Municipality.findBy('slug', input.municipality)
    if (!municipality) return this.#fieldError(ctx, 'municipality', 'unknown_municipality')
    try {
      await new ResidentClaims().claim(
        auth.getUserOrFail(),
        {
          municipalityId: municipality.id,
          residentNumber: input.resident_number,
          code: input.code,
        },
        this.#origin(ctx)
      )
    } catch (error) {
      if (!(error instanceof ResidentAccountRefusal)) throw error
      return this.#refused(ctx, LINK_FIELDS[error.code] ?? 'code', error.translate(i18n))
    }
    session.flash(
      'notice',
      i18n.t('resident_account.flash.linked', { municipality: municipality.nameIn(i18n.locale) })
    )
    // Back to the visit QR that brought a new account here, if one did
    return response.redirect().toPath(SignInReturn.take(ctx))
  }

  /** The name the account was registered with fills the name fields: nobody types it twice */
  async createStart(ctx: HttpContext) {
    return ctx.inertia.render('residents/resident/start', {
      municipalities: await this.#municipalities(ctx),
      accountName: accountNameParts(ctx.auth.getUserOrFail().fullName),
    })
  }

  async storeStart(ctx: HttpContext) {
    const { request, response, session, i18n, auth } = ctx
    const input = await request.validateUsing(startRecordValidator, {
      messagesProvider: staffFieldNames(ctx, 'resident_account.fields'),
    })
    const municipality = await Municipality.findBy('slug', input.municipality)
    if (!municipality) return this.#fieldError(ctx, 'municipality', 'unknown_municipality')
    try {
      await new ResidentClaims().registerSelf(
        auth.getUserOrFail(),
        {
          municipalityId: municipality.id,
          familyName: input.family_name,
          givenName: input.given_name,
          familyNameKana: input.family_name_kana,
          givenNameKana: input.given_name_kana,
          phone: input.phone || null,
          // A child row left empty on the form is no child
          children: (input.children ?? [])
            .filter((child) => child.due_date || child.birth_date || child.given_name)
            .map(childFieldsFrom),
        },
        this.#origin(ctx)
      )
    } catch (error) {
      if (error instanceof ResidentRefusal) {
        return this.#fieldError(ctx, error.field, error.code)
      }
      if (!(error instanceof ResidentAccountRefusal)) throw error
      return this.#refused(ctx, 'municipality', error.translate(i18n))
    }
    session.flash('notice', i18n.t('resident_account.flash.started'))
    return response.redirect().toPath(SignInReturn.take(ctx, `/m/${municipality.slug}/my/apply`))
  }

  async #municipalities({ i18n }: HttpContext) {
    const all = await Municipality.query().orderBy('code')
    return all.map((municipality) => ({
      slug: municipality.slug,
      name: municipality.nameIn(i18n.locale),
    }))
  }

  #origin(ctx: HttpContext): RequestOrigin {
    return { source: httpAuditSource(ctx), destination: httpDestination(ctx) }
  }

  /** A rule's code under a field, translated by resident_account.validation.<code> */
  #fieldError(ctx: HttpContext, field: string, code: string) {
    return this.#refused(ctx, field, ctx.i18n.t(`resident_account.validation.${code}`))
  }

  /** Back to the form with the reason under its field; nothing was changed */
  #refused(ctx: HttpContext, field: string, message: string) {
    ctx.session.flashValidationErrors(
      new vineErrors.E_VALIDATION_ERROR([{ field, message, rule: 'refused' }])
    )
    return ctx.response.redirect().back()
  }
}

/**
 * The account's name as family and given name, when it was typed as two
 * words (a space or a full-width space between); null when it cannot be
 * told apart.
 */
export function accountNameParts(fullName: string | null) {
  const parts = (fullName ?? '').trim().split(/[\s\u3000]+/)
  return parts.length === 2 ? { familyName: parts[0], givenName: parts[1] } : null
}
