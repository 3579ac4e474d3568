import Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import db from '@adonisjs/lucid/services/db'
import { CLAIM_CODE_DAYS, normalizeClaimCode } from '#residents/resident_claims'
import { sha256Hex } from '#shared/sha256'

/** The start code the demo prints for 鈴木 一郎 (MN-000103, registered by staff, no account yet) */
export const DEMO_CLAIM_CODE = 'MNAT-DEMA-2345'
export const DEMO_CLAIM_RESIDENT = 'MN-000103'

/**
 * Lets someone trying the demo claim a record staff registered: the code
 * is known (printed by `npm start`) rather than handed out on paper. Safe
 * to run again: an unused code is only kept valid; once the record is
 * linked to an account, nothing is done.
 */
export async function seedDemoClaimCode() {
  const minato = await Municipality.findBy('code', '131032')
  if (!minato) return
  const resident = await Resident.findBy({
    municipalityId: minato.id,
    residentNumber: DEMO_CLAIM_RESIDENT,
  })
  if (!resident || resident.userId !== null) return
  const now = new Date()
  const expiresAt = new Date(now.getTime() + CLAIM_CODE_DAYS * 86_400_000)
  await db
    .table('resident_claim_codes')
    .insert({
      municipality_id: minato.id,
      resident_id: resident.id,
      code_hash: sha256Hex(normalizeClaimCode(DEMO_CLAIM_CODE)),
      expires_at: expiresAt,
      created_by_user_id: null,
      created_at: now,
    })
    .onConflict('code_hash')
    .merge({ expires_at: expiresAt })
}
