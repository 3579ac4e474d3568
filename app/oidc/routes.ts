/*
| Tomoni as each municipality's OpenID Provider (issue 19): the sign-in and
| consent pages (Tomoni's session), then everything else under the issuer
| handed to oidc-provider (session-free: app/http/session_free_routes.ts).
*/
import router from '@adonisjs/core/services/router'

const OidcEndpointController = () => import('#oidc/oidc_endpoint_controller')
const OidcInteractionsController = () => import('#oidc/oidc_interactions_controller')

const UID = /^[\w-]{1,100}$/

router
  .group(() => {
    router
      .get('/interaction/:uid', [OidcInteractionsController, 'show'])
      .where('uid', UID)
      .as('oidc.interaction')
    router
      .post('/interaction/:uid/confirm', [OidcInteractionsController, 'confirm'])
      .where('uid', UID)
      .as('oidc.consent')
    router
      .post('/interaction/:uid/abort', [OidcInteractionsController, 'abort'])
      .where('uid', UID)
      .as('oidc.abort')
    router.any('/*', [OidcEndpointController, 'handle']).as('oidc.endpoint')
  })
  .prefix('/m/:municipality/oidc')
