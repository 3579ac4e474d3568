/*
| Invitations to a role (municipal administrator, provider staff): the
| invitee opens the mailed link, signs in or registers, and accepts.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const InvitationsController = () => import('#tenancy/invitations_controller')

router.get('/invitations/:token', [InvitationsController, 'show']).as('invitations.show')
router
  .post('/invitations/:token', [InvitationsController, 'accept'])
  .as('invitations.accept')
  .use(middleware.auth())

const MunicipalitySettingsController = () => import('#tenancy/municipality_settings_controller')

router
  .group(() => {
    router.get('/settings', [MunicipalitySettingsController, 'show']).as('settings.show')
    router.put('/settings', [MunicipalitySettingsController, 'update']).as('settings.update')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
