/*
| Staff sign-in through the municipality's own identity provider, and its
| settings page for the municipality's administrators.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const StaffSignInController = () => import('#staff_sign_in/staff_sign_in_controller')
const StaffSignInSettingsController = () =>
  import('#staff_sign_in/staff_sign_in_settings_controller')

router
  .group(() => {
    router.get('/:municipality', [StaffSignInController, 'start']).as('start')
    router.get('/:municipality/callback', [StaffSignInController, 'callback']).as('callback')
  })
  .prefix('/staff-sign-in')
  .as('staff_sign_in')
  .use(middleware.guest())

router
  .group(() => {
    router
      .get('/settings/sign-in', [StaffSignInSettingsController, 'show'])
      .as('staff_sign_in.show')
    router
      .put('/settings/sign-in', [StaffSignInSettingsController, 'update'])
      .as('staff_sign_in.update')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
