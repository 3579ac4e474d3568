/*
| HTTP kernel: server middleware run on every request, router middleware on
| every matched route, named middleware on the routes that ask for them.
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#http/exception_handler'))

server.use([
  // First: its line covers the whole request, and every line logged meanwhile says which request
  () => import('#http/access_log_middleware'),
  // Shutting down: each response closes its connection, so that the server can stop
  () => import('#http/draining_middleware'),
  // Times every request until its response is sent, static files and refusals included
  () => import('#metrics/http_metrics_middleware'),
  () => import('#http/container_bindings_middleware'),
  () => import('#http/privacy_headers_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  // The Vite dev server, for the front end's files only (never tmp/, code, settings)
  () => import('#http/vite_assets_middleware'),
])

router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  // The session package's, but none for the health checks (app/http/session_free_routes.ts)
  () => import('#http/session_middleware'),
  // Before shield, so that a refused CSRF token is explained in the user's language
  () => import('#http/detect_user_locale_middleware'),
  // Files only where a route takes them (app/http/uploads.ts); 415 elsewhere
  () => import('#http/multipart_guard_middleware'),
  // Shield as configured; no CSRF secret or cookie on the session-free routes
  () => import('#http/shield_middleware'),
  // NUL and lone surrogates anywhere in body or query: refused for every route
  () => import('#http/unsafe_characters_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#identity/session_lifetime_middleware'),
  () => import('#http/initialize_bouncer_middleware'),
  () => import('#http/inertia_middleware'),
])

export const middleware = router.named({
  auth: () => import('#identity/auth_middleware'),
  guest: () => import('#identity/guest_middleware'),
  tenant: () => import('#tenancy/tenant_middleware'),
  pluginEnabled: () => import('#plugin_host/plugin_enabled_middleware'),
  resident: () => import('#residents/resident_middleware'),
  // A visit QR opened signed out, or by an account that is nobody here yet
  visitArrival: () => import('#visits/visit_arrival_middleware'),
  provider: () => import('#tenancy/provider_middleware'),
  localOnly: () => import('#http/local_request_middleware'),
})
