import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import ResidentClaims from '#residents/resident_claims'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import { staffActionFrom } from '#audit/staff_action'
import {
  audited404,
  residentIdFrom,
  residentPath,
  type ClaimCodeFlash,
} from '#residents/staff_resident_responses'

/**
 * A one-time code the resident types with their 利用者ID to link their
 * own account to this record (app: アプリの利用開始). Shown once, on the
 * resident's page; only its hash is kept.
 */
export default class StaffClaimCodesController {
  async claimCode(ctx: HttpContext) {
    const { bouncer, response, session, i18n, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const residentId = residentIdFrom(ctx)
    try {
      const issued = await audited404(ctx, () =>
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
    return response.redirect(`${residentPath(ctx, residentId)}#app-start`)
  }
}
