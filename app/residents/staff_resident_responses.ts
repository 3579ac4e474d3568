import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as vineErrors } from '@vinejs/vine'
import ResidentDirectory from '#residents/resident_directory'
import ResidentRefusal from '#residents/resident_refusal'
import { auditedNotFound } from '#audit/staff_action'

/** A code just issued, as the resident's page shows it (once) */
export type ClaimCodeFlash = { code: string; residentNumber: string; expiresAt: string }

/** This municipality's resident directory */
export function residentDirectory(ctx: HttpContext) {
  return new ResidentDirectory(ctx.tenant.municipalityId)
}

/** The `:resident` of the route */
export function residentIdFrom(ctx: HttpContext) {
  return Number(ctx.params.resident)
}

/** The resident's page in the staff console */
export function residentPath(ctx: HttpContext, residentId: number) {
  return `/m/${ctx.tenant.municipality.slug}/residents/${residentId}`
}

/**
 * A resident or child id this municipality does not have answers 404;
 * the attempt is on the record (it may be another municipality's).
 */
export async function audited404<T>(ctx: HttpContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof lucidErrors.E_ROW_NOT_FOUND)) throw error
    return auditedNotFound(ctx, 'resident.not_found', {
      resident_id: residentIdFrom(ctx),
      ...(ctx.params.child ? { child_id: Number(ctx.params.child) } : {}),
    })
  }
}

/** A refused change goes back to the form with the reason under its field */
export function refused(ctx: HttpContext, error: unknown, fieldFor: (field: string) => string) {
  if (!(error instanceof ResidentRefusal)) throw error
  ctx.session.flashValidationErrors(
    new vineErrors.E_VALIDATION_ERROR([
      { field: fieldFor(error.field), message: error.translate(ctx.i18n), rule: error.code },
    ])
  )
  return ctx.response.redirect().back()
}
