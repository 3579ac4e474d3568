/*
| Health checks for the load balancer, and the language switch.
*/
import router from '@adonisjs/core/services/router'

const HealthController = () => import('#http/health_controller')
const LocaleController = () => import('#http/locale_controller')

router.get('/health/live', [HealthController, 'live']).as('health.live')
router.get('/health/ready', [HealthController, 'ready']).as('health.ready')

router.put('/locale', [LocaleController, 'update']).as('locale.update')
