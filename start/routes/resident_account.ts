/*
| Resident app: account and record. Linking an account to the record staff
| registered (利用者ID + one-time code) or registering as a new resident,
| outside any municipality (the account may have no membership yet); the
| resident's profile and children inside their municipality; and the staff
| action that issues the one-time code.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const AccountController = () => import('#residents/resident_account_controller')
const ProfileController = () => import('#residents/resident_profile_controller')
const ResidentsController = () => import('#residents/staff_residents_controller')

router
  .group(() => {
    router.get('/link', [AccountController, 'createLink']).as('link.create')
    router.post('/link', [AccountController, 'storeLink']).as('link.store')
    router.get('/start', [AccountController, 'createStart']).as('start.create')
    router.post('/start', [AccountController, 'storeStart']).as('start.store')
  })
  .prefix('/my')
  .as('my')
  .use(middleware.auth())

router
  .group(() => {
    router.get('/my/profile', [ProfileController, 'show']).as('my.profile.show')
    router.put('/my/profile', [ProfileController, 'update']).as('my.profile.update')
    router.post('/my/children', [ProfileController, 'storeChild']).as('my.children.store')
    router
      .put('/my/children/:ownChild', [ProfileController, 'updateChild'])
      .where('ownChild', idMatcher)
      .as('my.children.update')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])

router
  .post('/m/:municipality/residents/:resident/claim-code', [ResidentsController, 'claimCode'])
  .where('resident', idMatcher)
  .as('tenant.residents.claim_code')
  .use([middleware.auth(), middleware.tenant()])
