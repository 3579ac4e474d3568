import { DateTime } from 'luxon'
import Municipality from '#tenancy/municipality'
import User from '#identity/user'
import Membership, { type Role } from '#identity/membership'
import { DEMO_PASSWORD } from '#database/demo_data'

/**
 * Shinjuku next to the demo's Minato: a second tenant for isolation tests.
 */
export async function createSecondTenant() {
  const municipality = await Municipality.create({
    code: '131041',
    slug: 'shinjuku',
    nameJa: '新宿区',
    nameEn: 'Shinjuku City',
  })
  const admin = await createMember(municipality, 'municipal_admin', 'admin@shinjuku.example')
  return { municipality, admin }
}

export async function createMember(municipality: Municipality, role: Role, email: string) {
  const user = await User.create({
    email,
    password: DEMO_PASSWORD,
    fullName: `${role} ${email}`,
    emailVerifiedAt: DateTime.now(),
  })
  await Membership.create({ userId: user.id, municipalityId: municipality.id, role })
  return user
}
