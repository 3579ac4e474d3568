/*
| Core routes. Each plugin's routes are registered by the plugin host under
| /p/<plugin id>.
*/
import router from '@adonisjs/core/services/router'
import { errors as httpErrors } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const SessionController = () => import('#controllers/session_controller')
const LocaleController = () => import('#controllers/locale_controller')
const HomeController = () => import('#controllers/home_controller')
const HealthController = () => import('#controllers/health_controller')
const AuditEventsController = () => import('#controllers/audit_events_controller')
const OperatorMunicipalitiesController = () =>
  import('#controllers/operator/municipalities_controller')

router.get('/health/live', [HealthController, 'live']).as('health.live')
router.get('/health/ready', [HealthController, 'ready']).as('health.ready')

router.put('/locale', [LocaleController, 'update']).as('locale.update')

router
  .group(() => {
    router.get('/login', [SessionController, 'create']).as('session.create')
    router.post('/login', [SessionController, 'store']).as('session.store')
  })
  .use(middleware.guest())

router
  .group(() => {
    router.get('/', [HomeController, 'show']).as('home')
    router.post('/logout', [SessionController, 'destroy']).as('session.destroy')
  })
  .use(middleware.auth())

/*
| The platform operator's console (tenants and their plugins).
*/
router
  .group(() => {
    router
      .get('/municipalities', [OperatorMunicipalitiesController, 'index'])
      .as('municipalities.index')
    router
      .post('/municipalities', [OperatorMunicipalitiesController, 'store'])
      .as('municipalities.store')
    router
      .put('/municipalities/:id/plugins', [OperatorMunicipalitiesController, 'updatePlugins'])
      .where('id', router.matchers.number())
      .as('municipalities.plugins')
  })
  .prefix('/operator')
  .as('operator')
  .use(middleware.auth())

/*
| Everything inside a municipality: /m/<slug>/... The tenant middleware
| answers 404 (and audits the attempt) to anyone without a membership there.
*/
router
  .group(() => {
    router.get('/audit', [AuditEventsController, 'index']).as('audit.index')
    router.get('/audit/export', [AuditEventsController, 'export']).as('audit.export')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Unmatched URLs go through the router middleware too (session, language,
| Inertia), so the 404 page is translated like every other page.
*/
router
  .any('*', ({ request }) => {
    throw new httpErrors.E_ROUTE_NOT_FOUND([request.method(), request.url()])
  })
  .as('not_found')
