import type { HttpContext } from '@adonisjs/core/http'
import type { I18n } from '@adonisjs/i18n'

/**
 * Where a staff form's refusals go: the field a code belongs under, else
 * the form's `otherwise` field (the form's error summary shows a field the
 * form does not have too); null for a code after which the form is no
 * longer on the page it goes back to (a program out of use, a lot or a
 * visit changed meanwhile): the page's alert says why.
 */
export type RefusalFields<Code extends string> = {
  fields: Partial<Record<Code, string | null>>
  otherwise: string
}

/** A refusal goes back to the form, input kept, the reason where `place` says */
export function refusedToForm<Code extends string>(
  ctx: HttpContext,
  refusal: { code: Code; translate(i18n: I18n): string },
  { fields, otherwise }: RefusalFields<Code>
) {
  ctx.session.flashAll()
  const field = fields[refusal.code]
  const message = refusal.translate(ctx.i18n)
  if (field === null) ctx.session.flash('error', message)
  else ctx.session.flash('inputErrorsBag', { [field ?? otherwise]: [message] })
  return ctx.response.redirect().back()
}
