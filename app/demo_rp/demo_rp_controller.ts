import type { HttpContext } from '@adonisjs/core/http'
import DemoRelyingParty, {
  DEMO_SCOPES,
  demoIssuer,
  demoRedirectUri,
} from '#demo_rp/demo_relying_party'
import { DEMO_OIDC_CLIENT_ID } from '#database/demo_oidc_client'

/**
 * The demo relying party's pages (development only): "Sign in with
 * Tomoni", the way back from the provider, and signing out of the demo.
 */
export default class DemoRpController {
  async show({ inertia, session }: HttpContext) {
    return inertia.render('demo_rp/show', {
      issuer: demoIssuer(),
      clientId: DEMO_OIDC_CLIENT_ID,
      redirectUri: demoRedirectUri(),
      scopes: DEMO_SCOPES,
      result: DemoRelyingParty.result(session),
      error: DemoRelyingParty.error(session),
    })
  }

  async signIn({ response, session }: HttpContext) {
    return response.redirect(await DemoRelyingParty.begin(session))
  }

  async callback({ request, response, session }: HttpContext) {
    await DemoRelyingParty.finish(session, request.url(true))
    return response.redirect('/demo-rp')
  }

  async signOut({ response, session }: HttpContext) {
    DemoRelyingParty.forget(session)
    return response.redirect('/demo-rp')
  }
}
