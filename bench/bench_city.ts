/*
| The municipality and provider a bulk-seeding bench writes under (call
| inside withApp): their ids and the timestamp text its rows carry.
*/
export async function benchCityWithProvider(slugPrefix: string) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: Municipality } = await import('#tenancy/municipality')
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19)
  const municipality = await Municipality.create({
    code: '999995',
    slug: `${slugPrefix}-${Date.now()}`,
    nameJa: 'ベンチ市',
    nameEn: 'Bench City',
  })
  const [provider] = await db
    .table('providers')
    .insert({
      name_ja: 'ベンチ事業者',
      name_en: 'Bench provider',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const providerId = Number(typeof provider === 'object' ? provider.id : provider)
  return { municipalityId: municipality.id, providerId, now }
}
