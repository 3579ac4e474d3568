import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'

/** The place columns withVisitPlaces adds to each row */
export type VisitPlaceRow = {
  provider_name_ja: string | null
  provider_name_en: string | null
  facility_name_ja: string | null
  facility_name_en: string | null
}

/**
 * Adds the provider's and the facility's names, in both languages, to a
 * query of redemptions aliased `r` (null where the visit has none). The
 * resident's history and home and the usage CSV read places this one way.
 */
export function withVisitPlaces<Query extends DatabaseQueryBuilderContract>(query: Query): Query {
  return query
    .leftJoin('providers as p', 'p.id', 'r.provider_id')
    .leftJoin('facilities as f', 'f.id', 'r.facility_id')
    .select(
      'p.name_ja as provider_name_ja',
      'p.name_en as provider_name_en',
      'f.name_ja as facility_name_ja',
      'f.name_en as facility_name_en'
    )
}

/** A row's provider and facility names in the reader's language */
export function visitPlaces(row: VisitPlaceRow, locale: string) {
  const en = locale === 'en'
  return {
    provider: (en ? row.provider_name_en : row.provider_name_ja) ?? null,
    facility: (en ? row.facility_name_en : row.facility_name_ja) ?? null,
  }
}
