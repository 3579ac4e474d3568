import type { HttpContext } from '@adonisjs/core/http'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import Resident from '#residents/resident'
import { auditedNotFound } from '#audit/staff_action'
import { type RefusalFields, refusedToForm } from '#http/form_refusals'

/** A resident's coupons page in the staff console */
export function couponsPath(ctx: HttpContext, residentId: number) {
  return `/m/${ctx.tenant.municipality.slug}/residents/${residentId}/coupons`
}

/** The resident of this municipality, or 404 (the attempt audited) */
export async function residentOr404(ctx: HttpContext): Promise<Resident> {
  const residentId = Number(ctx.params.resident)
  const resident = await Resident.query()
    .where({ id: residentId, municipalityId: ctx.tenant.municipalityId })
    .first()
  if (!resident) {
    return auditedNotFound(ctx, 'resident.not_found', { resident_id: residentId })
  }
  return resident
}

/** Refusals of the coupon forms: the reason where `place` says (form_refusals.ts) */
export type CouponRefusalFields = RefusalFields<LedgerRefusalCode>

/** A ledger refusal goes back to the form; anything else is thrown on */
export function refused(ctx: HttpContext, error: unknown, place: CouponRefusalFields) {
  if (!(error instanceof LedgerRefusal)) throw error
  return refusedToForm(ctx, error, place)
}
