import type { HttpContext } from '@adonisjs/core/http'
import AccountInvitation from '#tenancy/account_invitation'
import InvitationAcceptance from '#tenancy/invitation_acceptance'
import InvitationRefusal from '#tenancy/invitation_refusal'
import TwoFactor from '#identity/two_factor'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'

/**
 * The invitation link from a mail (/invitations/<secret>): where and which
 * role, and, for the account signed in with the invited address, the
 * button that accepts it. Nothing about the invited address or any
 * account is shown.
 */
export default class InvitationsController {
  async show(ctx: HttpContext) {
    const { auth, inertia, params, i18n } = ctx
    const signedIn = await auth.check()
    const invitation = await AccountInvitation.find(String(params.token))
    const usable = invitation?.usable ? invitation : null
    let refusal: string | null = null
    if (!usable) refusal = i18n.t('invitations.refusals.invalid')
    else if (signedIn) {
      const code = await InvitationAcceptance.refusalFor(usable, auth.getUserOrFail())
      if (code) refusal = new InvitationRefusal(code).translate(i18n)
    }
    return inertia.render('tenancy/invitation', {
      invitation: usable ? await InvitationAcceptance.preview(usable, i18n.locale) : null,
      signedIn,
      canAccept: signedIn && usable !== null && refusal === null,
      refusal,
    })
  }

  async accept(ctx: HttpContext) {
    const { auth, params, session, i18n, response } = ctx
    const user = auth.getUserOrFail()
    const token = String(params.token)
    try {
      await InvitationAcceptance.accept(token, user, {
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
      })
    } catch (error) {
      if (!(error instanceof InvitationRefusal)) throw error
      session.flash('error', error.translate(i18n))
      return response.redirect(`/invitations/${encodeURIComponent(token)}`)
    }
    // A staff role needs the second factor this session was opened without
    if (!user.totpEnabledAt && (await TwoFactor.requiredFor(user))) {
      await auth.use('web').logout()
      await session.untag(String(user.id))
      session.flash('notice', i18n.t('invitations.flash.accepted_sign_in_again'))
      return response.redirect('/login')
    }
    session.flash('notice', i18n.t('invitations.flash.accepted'))
    return response.redirect('/')
  }
}
