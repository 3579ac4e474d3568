/*
| Staff console: coupons (a resident's lots: issue, add, revoke, expiry)
| and the coupon definitions (制度版) new grants use.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const StaffCouponsController = () => import('#coupons/staff_coupons_controller')
const StaffLotsController = () => import('#coupons/staff_lots_controller')
const StaffDefinitionsController = () => import('#coupons/staff_definitions_controller')

/*
| Staff console: coupons (a resident's lots: issue, add, revoke, expiry).
*/
router
  .group(() => {
    router
      .get('/residents/:resident/coupons', [StaffCouponsController, 'index'])
      .where('resident', idMatcher)
      .as('coupons.index')
    router
      .post('/residents/:resident/coupons', [StaffCouponsController, 'store'])
      .where('resident', idMatcher)
      .as('coupons.store')
    router
      .post('/lots/:lot/revoke', [StaffLotsController, 'revoke'])
      .where('lot', idMatcher)
      .as('lots.revoke')
    router
      .put('/lots/:lot/expiry', [StaffLotsController, 'expiry'])
      .where('lot', idMatcher)
      .as('lots.expiry')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Staff console: coupon definitions (制度版), which version new grants use.
*/
const code = { match: /^[a-z0-9_]+$/ }

router
  .group(() => {
    router.get('/definitions', [StaffDefinitionsController, 'index']).as('definitions.index')
    router
      .put('/definitions/:plugin/:program', [StaffDefinitionsController, 'switch'])
      .where('plugin', code)
      .where('program', code)
      .as('definitions.switch')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
