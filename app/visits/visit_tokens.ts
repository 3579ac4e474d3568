import { randomBytes, randomInt } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import ProgramSpendPolicy from '#ledger/program_spend_policy'
import CouponRedemption from '#ledger/coupon_redemption'
import type { StaffAction } from '#audit/staff_action'
import type { ProgramManifest } from '#plugin_host/define_plugin'
import { affectedRows } from '#shared/affected_rows'
import { sha256Hex } from '#shared/sha256'

/** How long a visit QR can be scanned */
export const VISIT_TOKEN_MINUTES = 10

export type VisitDetails = ProgramRef & {
  municipalityId: number
  providerId: number | null
  facilityId?: number | null
  service: string
  visitDate: string
  visitStart: string
  minutes: number
}

export type VisitCredential = { token: string } | { shortCode: string }

export type PeekedVisit = VisitDetails & { facilityId: number | null; expiresAt: Date }

/**
 * The visit QR: a provider starts a visit and gets a random token (256
 * bits) and an 8-digit short code; the resident's scan consumes it once,
 * within its lifetime, and reserves the hours in the same transaction. A
 * refused reservation leaves the token unused.
 */
export default class VisitTokens {
  /**
   * Starts a visit. A provider may only start visits for the programs and
   * services its contract with the municipality names (provider_contracts):
   * checked here, so that every caller meets the same rule. A visit
   * without a provider (the ledger's own tests) has no contract to meet.
   * Pass `client` to issue inside the caller's transaction (its audit
   * event commits with the token).
   */
  static async issue(
    visit: VisitDetails,
    createdByUserId: number | null,
    client: TransactionClientContract | typeof db = db
  ) {
    const { program } = await ProgramCatalog.find(visit)
    new ProgramSpendPolicy(program).checkVisit(visit)
    await ProgramCatalog.assertEnabled(visit.municipalityId, visit, client)
    if (visit.providerId !== null) await this.#assertContracted(client, visit, program)
    const token = randomBytes(32).toString('base64url')
    const shortCode = await this.#freeShortCode(client, visit.municipalityId)
    const expiresAt = new Date(Date.now() + VISIT_TOKEN_MINUTES * 60_000)
    const [inserted] = await client
      .table('visit_tokens')
      .insert({
        municipality_id: visit.municipalityId,
        provider_id: visit.providerId,
        facility_id: visit.facilityId ?? null,
        plugin_id: visit.pluginId,
        program_code: visit.programCode,
        service: visit.service,
        visit_date: visit.visitDate,
        visit_start: visit.visitStart,
        minutes: visit.minutes,
        token_hash: sha256Hex(token),
        short_code: shortCode,
        expires_at: expiresAt,
        created_by_user_id: createdByUserId,
        created_at: new Date(),
      })
      .returning('id')
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
    return { id, token, shortCode, expiresAt }
  }

  /** Refuses a program or service the provider has no contract for in the municipality */
  static async #assertContracted(
    client: TransactionClientContract | typeof db,
    visit: VisitDetails,
    program: ProgramManifest
  ) {
    const contract = await client
      .from('provider_contracts')
      .where({
        municipality_id: visit.municipalityId,
        provider_id: visit.providerId,
        plugin_id: visit.pluginId,
        program_code: visit.programCode,
      })
      .first()
    const services: unknown = contract ? parseServices(contract.services) : []
    if (!Array.isArray(services) || !services.includes(visit.service)) {
      throw new LedgerRefusal('service_not_contracted', {
        service: ProgramCatalog.serviceName(program, visit.service),
        program: program.name,
      })
    }
  }

  /**
   * The resident confirms the scanned visit: the token is consumed and the
   * hours reserved together, or neither happens.
   */
  static async redeem(
    municipalityId: number,
    residentId: number,
    credential: VisitCredential,
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const visit = await this.#usable(trx, municipalityId, credential)
      // The guarded update is the single use: of two scans at once, one wins.
      const claimed = await trx
        .from('visit_tokens')
        .where('id', visit.id)
        .whereNull('consumed_at')
        .update({ consumed_at: new Date(), consumed_by_resident_id: residentId })
      if (affectedRows(claimed) !== 1) throw new LedgerRefusal('visit_token_used')

      const { redemptionId } = await CouponRedemption.reserve(
        {
          municipalityId,
          residentId,
          pluginId: visit.plugin_id,
          programCode: visit.program_code,
          service: visit.service,
          visitDate: visit.visit_date,
          visitStart: visit.visit_start,
          minutes: Number(visit.minutes),
          providerId: visit.provider_id,
          facilityId: visit.facility_id,
          idempotencyKey: `visit-token:${visit.id}`,
        },
        by,
        trx
      )
      await trx.from('visit_tokens').where('id', visit.id).update({ redemption_id: redemptionId })
      return { redemptionId, visitTokenId: Number(visit.id) }
    })
  }

  /**
   * The visit behind a credential, for the resident to check before
   * confirming: nothing is consumed or reserved. Refused like redeem
   * (unknown, used, expired).
   */
  static async peek(municipalityId: number, credential: VisitCredential): Promise<PeekedVisit> {
    const visit = await this.#usable(db, municipalityId, credential)
    return {
      municipalityId,
      pluginId: String(visit.plugin_id),
      programCode: String(visit.program_code),
      providerId: visit.provider_id === null ? null : Number(visit.provider_id),
      facilityId: visit.facility_id === null ? null : Number(visit.facility_id),
      service: String(visit.service),
      visitDate: String(visit.visit_date),
      visitStart: String(visit.visit_start),
      minutes: Number(visit.minutes),
      expiresAt: new Date(visit.expires_at),
    }
  }

  /** The newest visit of the credential, if it can still be used */
  static async #usable(
    client: TransactionClientContract | typeof db,
    municipalityId: number,
    credential: VisitCredential
  ) {
    const query = client.from('visit_tokens').where('municipality_id', municipalityId)
    if ('token' in credential) query.where('token_hash', sha256Hex(credential.token))
    else query.where('short_code', credential.shortCode)
    const visit = await query.orderBy('id', 'desc').first()
    if (!visit) throw new LedgerRefusal('visit_token_unknown')
    if (visit.consumed_at) throw new LedgerRefusal('visit_token_used')
    if (new Date(visit.expires_at).getTime() <= Date.now()) {
      throw new LedgerRefusal('visit_token_expired')
    }
    return visit
  }

  /** A short code no live visit of the municipality uses */
  static async #freeShortCode(
    client: TransactionClientContract | typeof db,
    municipalityId: number
  ) {
    for (;;) {
      const candidate = String(randomInt(0, 100_000_000)).padStart(8, '0')
      const live = await client
        .from('visit_tokens')
        .where({ municipality_id: municipalityId, short_code: candidate })
        .where('expires_at', '>', new Date())
        .first()
      if (!live) return candidate
    }
  }
}

/** provider_contracts.services: a JSON array (text in SQLite, json in PostgreSQL) */
function parseServices(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return []
  }
}
