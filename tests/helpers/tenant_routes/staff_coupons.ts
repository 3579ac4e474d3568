import { DateTime } from 'luxon'
import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import type Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import CouponIssuance, { todayInJapan } from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import { nextKey, residentWithChildren, staffOf } from '#tests/helpers/programs'

const STAFF = ['municipal_admin', 'municipal_staff'] as const
const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

/** A new Minato resident with a one-month-old child and the program's lots */
async function issuedLot(victim: Municipality) {
  const birthDate = DateTime.fromISO(todayInJapan()).minus({ months: 1 }).toISODate()!
  const household = await residentWithChildren([{ birthDate }], victim)
  const [lot] = await CouponIssuance.issue(
    {
      ...POSTPARTUM,
      municipalityId: victim.id,
      residentId: household.resident.id,
      childId: household.children[0].id,
      windowKey: 'until_first_birthday',
    },
    await staffOf(victim)
  )
  return { household, lot }
}

/** Staff console: coupons and usage */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.coupons.index': [...STAFF],
    'tenant.usage.index': [...STAFF],
  },
  victimIds: {
    resident: async (victim) => {
      const resident = await Resident.findByOrFail({
        municipalityId: victim.id,
        residentNumber: 'MN-000101',
      })
      return resident.id
    },
    lot: async (victim) => {
      const { lot } = await issuedLot(victim)
      return lot.lotId
    },
    redemption: async (victim) => {
      const { household } = await issuedLot(victim)
      const { redemptionId } = await CouponRedemption.reserve(
        {
          ...POSTPARTUM,
          municipalityId: victim.id,
          residentId: household.resident.id,
          service: 'home_helper',
          visitDate: todayInJapan(),
          visitStart: '10:00',
          minutes: 60,
          idempotencyKey: nextKey(),
        },
        await staffOf(victim)
      )
      return redemptionId
    },
  },
}
