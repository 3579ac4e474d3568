/*
| Staff console: statistics.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const StaffStatisticsController = () => import('#statistics/staff_statistics_controller')

router
  .group(() => {
    router.get('/statistics', [StaffStatisticsController, 'index']).as('statistics.index')
    router.get('/statistics/export', [StaffStatisticsController, 'export']).as('statistics.export')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
