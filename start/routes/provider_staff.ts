/*
| Provider console: staff management for the provider's administrators.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const StaffController = () => import('#providers/provider_staff_controller')

router
  .group(() => {
    router.get('/staff', [StaffController, 'index']).as('provider.staff.index')
    router.post('/staff', [StaffController, 'store']).as('provider.staff.store')
    router
      .post('/staff/:providerStaff/disable', [StaffController, 'disable'])
      .where('providerStaff', idMatcher)
      .as('provider.staff.disable')
    router
      .post('/staff/:providerStaff/enable', [StaffController, 'enable'])
      .where('providerStaff', idMatcher)
      .as('provider.staff.enable')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])
