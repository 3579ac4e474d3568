/*
| Prometheus's scrape of the metrics, behind METRICS_TOKEN.
*/
import router from '@adonisjs/core/services/router'

const MetricsController = () => import('#metrics/metrics_controller')

router.get('/metrics', [MetricsController, 'show']).as('metrics.show')
