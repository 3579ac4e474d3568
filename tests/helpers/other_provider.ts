import { DateTime } from 'luxon'
import { DEMO_PASSWORD } from '#database/demo_data'
import Membership from '#identity/membership'
import Provider from '#tenancy/provider'
import ProviderContract from '#providers/provider_contract'
import User from '#identity/user'
import { minato } from '#tests/helpers/programs'

/** Another provider contracted in Minato (Hikari), with one member of staff */
export async function hikari() {
  const city = await minato()
  const provider = await Provider.create({ nameJa: 'ひかり産後ケア', nameEn: 'Hikari Care' })
  await ProviderContract.create({
    municipalityId: city.id,
    providerId: provider.id,
    pluginId: 'postpartum_support',
    programCode: 'postpartum',
    services: ['doula'],
  })
  const user = await User.create({
    email: 'staff@hikari.example',
    password: DEMO_PASSWORD,
    fullName: 'ひかり スタッフ',
    emailVerifiedAt: DateTime.now(),
  })
  await Membership.create({
    userId: user.id,
    municipalityId: city.id,
    providerId: provider.id,
    role: 'provider_staff',
  })
  return { provider, user }
}
