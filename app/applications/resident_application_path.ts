import type { HttpContext } from '@adonisjs/core/http'

/** The resident's page of one of their applications, in their municipality */
export function residentApplicationPath(ctx: HttpContext, applicationId: number) {
  return `/m/${ctx.tenant.municipality.slug}/my/applications/${applicationId}`
}
