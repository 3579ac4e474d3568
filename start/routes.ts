/*
| The routes of every module (app/<module>/routes.ts), then the catch-all.
| Each plugin's routes are registered by the plugin host under
| /m/<municipality>/p/<plugin id>.
*/
import router from '@adonisjs/core/services/router'
import { errors as httpErrors } from '@adonisjs/core/http'

import '#http/routes'
import '#metrics/routes'
import '#identity/routes'
import '#tenancy/routes'
import '#mail/routes'
import '#home/routes'
import '#operator/routes'
import '#alerts/routes'
import '#audit_viewer/routes'
import '#residents/routes'
import '#applications/routes'
import '#coupons/routes'
import '#usage/routes'
import '#providers/routes'
import '#statistics/routes'
import '#visits/routes'
import '#staff_sign_in/routes'
import '#oidc/routes'
import '#demo_rp/routes'

/*
| Unmatched URLs go through the router middleware too (session, language,
| Inertia), so the 404 page is translated like every other page.
*/
router
  .any('*', ({ request }) => {
    throw new httpErrors.E_ROUTE_NOT_FOUND([request.method(), request.url()])
  })
  .as('not_found')
