/*
| Providers: the staff console's registry (事業者, facilities, contracts,
| staff invitations) and the provider console's monthly history, exports,
| memos and staff management.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const StaffProvidersController = () => import('#providers/staff_providers_controller')
const StaffProviderFacilitiesController = () =>
  import('#providers/staff_provider_facilities_controller')
const StaffProviderContractsController = () =>
  import('#providers/staff_provider_contracts_controller')
const StaffProviderInvitationsController = () =>
  import('#providers/staff_provider_invitations_controller')
const ProviderHistoryController = () => import('#providers/provider_history_controller')
const ProviderExportsController = () => import('#providers/provider_exports_controller')
const ProviderMemosController = () => import('#providers/provider_memos_controller')
const ProviderStaffController = () => import('#providers/provider_staff_controller')

/*
| Staff console: providers (事業者), their facilities, contracts and staff.
*/
router
  .group(() => {
    router.get('/providers', [StaffProvidersController, 'index']).as('providers.index')
    router.get('/providers/new', [StaffProvidersController, 'create']).as('providers.create')
    router.post('/providers', [StaffProvidersController, 'store']).as('providers.store')
    router
      .get('/providers/:provider', [StaffProvidersController, 'show'])
      .where('provider', idMatcher)
      .as('providers.show')
    router
      .put('/providers/:provider', [StaffProvidersController, 'update'])
      .where('provider', idMatcher)
      .as('providers.update')
    router
      .post('/providers/:provider/facilities', [StaffProviderFacilitiesController, 'storeFacility'])
      .where('provider', idMatcher)
      .as('providers.facilities.store')
    router
      .put('/providers/:provider/facilities/:facility', [
        StaffProviderFacilitiesController,
        'updateFacility',
      ])
      .where('provider', idMatcher)
      .where('facility', idMatcher)
      .as('providers.facilities.update')
    router
      .put('/providers/:provider/contracts', [StaffProviderContractsController, 'contracts'])
      .where('provider', idMatcher)
      .as('providers.contracts')
    router
      .post('/providers/:provider/staff', [StaffProviderInvitationsController, 'storeStaff'])
      .where('provider', idMatcher)
      .as('providers.staff.store')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Provider console: monthly history (月次実績) with totals and
| co-payments, the month's CSV exports (job page, download) and the
| provider's memos. Always for ctx.provider (middleware.provider()).
*/
router
  .group(() => {
    router.get('/history', [ProviderHistoryController, 'index']).as('provider.history.index')
    router.post('/exports', [ProviderExportsController, 'exportStore']).as('provider.exports.store')
    router
      .get('/exports/:providerExport', [ProviderExportsController, 'exportShow'])
      .where('providerExport', idMatcher)
      .as('provider.exports.show')
    router
      .get('/exports/:providerExport/download', [ProviderExportsController, 'exportDownload'])
      .where('providerExport', idMatcher)
      .as('provider.exports.download')
    router.get('/memos', [ProviderMemosController, 'index']).as('provider.memos.index')
    router.post('/memos', [ProviderMemosController, 'store']).as('provider.memos.store')
    router
      .post('/memos/:memo/delete', [ProviderMemosController, 'destroy'])
      .where('memo', idMatcher)
      .as('provider.memos.destroy')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])

/*
| Provider console: staff management for the provider's administrators.
*/
router
  .group(() => {
    router.get('/staff', [ProviderStaffController, 'index']).as('provider.staff.index')
    router.post('/staff', [ProviderStaffController, 'store']).as('provider.staff.store')
    router
      .post('/staff/:providerStaff/disable', [ProviderStaffController, 'disable'])
      .where('providerStaff', idMatcher)
      .as('provider.staff.disable')
    router
      .post('/staff/:providerStaff/enable', [ProviderStaffController, 'enable'])
      .where('providerStaff', idMatcher)
      .as('provider.staff.enable')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])
