/*
| Residents: the staff console's directory (search, register, edit,
| children, start codes, the resident CSV upload) and the resident's own
| account and record.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const StaffResidentsController = () => import('#residents/staff_residents_controller')
const StaffResidentChildrenController = () =>
  import('#residents/staff_resident_children_controller')
const StaffClaimCodesController = () => import('#residents/staff_claim_codes_controller')
const StaffResidentImportsController = () => import('#residents/staff_resident_imports_controller')
const ResidentAccountController = () => import('#residents/resident_account_controller')
const ResidentProfileController = () => import('#residents/resident_profile_controller')

/*
| Staff console: residents. Search, register, edit, the resident's page
| with household notes and children.
*/
router
  .group(() => {
    router.get('/residents', [StaffResidentsController, 'index']).as('residents.index')
    router.get('/residents/new', [StaffResidentsController, 'create']).as('residents.create')
    router.post('/residents', [StaffResidentsController, 'store']).as('residents.store')
    router
      .group(() => {
        router.get('/residents/:resident', [StaffResidentsController, 'show']).as('residents.show')
        router
          .get('/residents/:resident/edit', [StaffResidentsController, 'edit'])
          .as('residents.edit')
        router
          .put('/residents/:resident', [StaffResidentsController, 'update'])
          .as('residents.update')
        router
          .post('/residents/:resident/children', [StaffResidentChildrenController, 'storeChild'])
          .as('residents.children.store')
        router
          .put('/residents/:resident/children/:child', [
            StaffResidentChildrenController,
            'updateChild',
          ])
          .where('child', idMatcher)
          .as('residents.children.update')
      })
      .where('resident', idMatcher)
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Staff console: uploading a resident CSV (the job it starts is followed
| on the CSV pages of the usage module).
*/
router
  .group(() => {
    router.post('/csv/imports', [StaffResidentImportsController, 'store']).as('csv.imports.store')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Resident app: account and record. Linking an account to the record staff
| registered (利用者ID + one-time code) or registering as a new resident,
| outside any municipality (the account may have no membership yet); the
| resident's profile and children inside their municipality; and the staff
| action that issues the one-time code.
*/
router
  .group(() => {
    router.get('/link', [ResidentAccountController, 'createLink']).as('link.create')
    router.post('/link', [ResidentAccountController, 'storeLink']).as('link.store')
    router.get('/start', [ResidentAccountController, 'createStart']).as('start.create')
    router.post('/start', [ResidentAccountController, 'storeStart']).as('start.store')
  })
  .prefix('/my')
  .as('my')
  .use(middleware.auth())

router
  .group(() => {
    router.get('/my/profile', [ResidentProfileController, 'show']).as('my.profile.show')
    router.put('/my/profile', [ResidentProfileController, 'update']).as('my.profile.update')
    router.post('/my/children', [ResidentProfileController, 'storeChild']).as('my.children.store')
    router
      .put('/my/children/:ownChild', [ResidentProfileController, 'updateChild'])
      .where('ownChild', idMatcher)
      .as('my.children.update')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])

router
  .post('/m/:municipality/residents/:resident/claim-code', [StaffClaimCodesController, 'claimCode'])
  .where('resident', idMatcher)
  .as('tenant.residents.claim_code')
  .use([middleware.auth(), middleware.tenant()])
