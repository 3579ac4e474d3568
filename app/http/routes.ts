/*
| Health checks for the load balancer, the language switch and the message
| catalogues of the front end.
*/
import router from '@adonisjs/core/services/router'

const HealthController = () => import('#http/health_controller')
const LocaleController = () => import('#http/locale_controller')
const ClientMessagesController = () => import('#http/client_messages_controller')

router.get('/health/live', [HealthController, 'live']).as('health.live')
router.get('/health/ready', [HealthController, 'ready']).as('health.ready')

router.put('/locale', [LocaleController, 'update']).as('locale.update')
router.get('/i18n/:locale/:version', [ClientMessagesController, 'show']).as('client_messages.show')
