import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import CouponRedemption from '#ledger/coupon_redemption'
import type Municipality from '#tenancy/municipality'
import User from '#identity/user'
import { DEMO_PASSWORD } from '#database/demo_data'
import { nextKey, staffOf } from '#tests/helpers/programs'
import { POSTPARTUM } from '#tests/helpers/resident_visits'
import { aozoraStation } from '#tests/helpers/usage_fixtures'

/*
| What the resident home tests share (unit, functional, browser): visits
| at the demo provider Aozora, a municipality that stops offering a
| program, and an account that has nothing yet.
*/

/**
 * A postpartum visit at Aozora's station, reserved as a scan would
 * (waiting for the provider), and approved when `approve` is set. Home
 * helper at 10:00 unless said. Returns the visit's (redemption's) id.
 */
export async function reserveAtAozora(
  municipality: Municipality,
  residentId: number,
  visit: { date: string; minutes: number; service?: string; start?: string; approve?: boolean }
) {
  const by = await staffOf(municipality)
  const { provider, facility } = await aozoraStation()
  const { redemptionId } = await CouponRedemption.reserve(
    {
      ...POSTPARTUM,
      municipalityId: municipality.id,
      residentId,
      service: visit.service ?? 'home_helper',
      visitDate: visit.date,
      visitStart: visit.start ?? '10:00',
      minutes: visit.minutes,
      idempotencyKey: nextKey(),
      providerId: provider.id,
      facilityId: facility.id,
    },
    by
  )
  if (visit.approve) await CouponRedemption.approve(municipality.id, redemptionId, by)
  return redemptionId
}

/** The municipality stops offering a plugin's programs */
export async function stopOffering(municipality: Municipality, pluginId: string) {
  await db
    .from('municipality_plugins')
    .where({ municipality_id: municipality.id, plugin_id: pluginId })
    .delete()
}

/** A verified account with neither a resident record nor a role: newparent@example.jp */
export async function newParent() {
  return User.create({
    email: 'newparent@example.jp',
    password: DEMO_PASSWORD,
    fullName: '新しい 親',
    emailVerifiedAt: DateTime.now(),
  })
}
