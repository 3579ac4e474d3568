/*
| Staff console: coupons (a resident's lots: issue, add, revoke, expiry)
| and usage (every redemption of the municipality, 利用取消).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const CouponsController = () => import('#coupons/staff_coupons_controller')
const UsageController = () => import('#usage/staff_usage_controller')

router
  .group(() => {
    router
      .get('/residents/:resident/coupons', [CouponsController, 'index'])
      .where('resident', idMatcher)
      .as('coupons.index')
    router
      .post('/residents/:resident/coupons', [CouponsController, 'store'])
      .where('resident', idMatcher)
      .as('coupons.store')
    router
      .post('/lots/:lot/revoke', [CouponsController, 'revoke'])
      .where('lot', idMatcher)
      .as('lots.revoke')
    router
      .put('/lots/:lot/expiry', [CouponsController, 'expiry'])
      .where('lot', idMatcher)
      .as('lots.expiry')

    router.get('/usage', [UsageController, 'index']).as('usage.index')
    router
      .post('/usage/:redemption/cancel', [UsageController, 'cancel'])
      .where('redemption', idMatcher)
      .as('usage.cancel')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
