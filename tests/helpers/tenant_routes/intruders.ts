import type { Role } from '#identity/membership'
import Membership from '#identity/membership'
import { createMember, createSecondTenant } from '#tests/helpers/tenants'
import { providerWithStation } from '#tests/helpers/usage_fixtures'
import { newResident } from '#tests/helpers/ledger_residents'

export type TenantRole = Exclude<Role, 'platform_operator' | 'municipal_staff' | 'provider_staff'>

/**
 * The role a route of the tenant area needs, from its name: the resident
 * app (tenant.my.*), the provider console (tenant.provider.*) or the staff
 * console (everything else; its administrator may do every staff action).
 */
export function roleForTenantRoute(name: string): TenantRole {
  if (name.startsWith('tenant.my.')) return 'resident'
  if (name.startsWith('tenant.provider.')) return 'provider_admin'
  return 'municipal_admin'
}

/**
 * Shinjuku (createSecondTenant) with one member per role: its municipal
 * administrator, a provider administrator of its own provider, and a
 * resident with an account and a record. Each acts in Shinjuku with the
 * ids of another municipality.
 */
export async function secondTenantCast() {
  const { municipality, admin } = await createSecondTenant()
  const { provider } = await providerWithStation({
    ja: '新宿ケア',
    en: 'Shinjuku Care',
    stationJa: '新宿ケア 本部',
    stationEn: 'Shinjuku Care Office',
  })
  const owner = await createMember(municipality, 'provider_admin', 'owner@shinjuku-care.example')
  await Membership.query()
    .where('user_id', owner.id)
    .where('municipality_id', municipality.id)
    .update({ provider_id: provider.id })
  const resident = await createMember(municipality, 'resident', 'taro@shinjuku.example')
  const record = await newResident(municipality, {
    prefix: 'SJ',
    familyName: '新宿',
    givenNameStem: '太郎',
    familyNameKana: 'シンジュク',
    givenNameKana: 'タロウ',
  })
  record.userId = resident.id
  await record.save()
  const users: Record<TenantRole, typeof admin> = {
    municipal_admin: admin,
    provider_admin: owner,
    resident,
  }
  return { municipality, users }
}
