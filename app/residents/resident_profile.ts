import db from '@adonisjs/lucid/services/db'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import { todayInJapan } from '#ledger/coupon_issuance'
import Resident from '#residents/resident'
import Child from '#residents/child'
import ResidentDirectory, { CHILD_COLUMNS, type ChildFields } from '#residents/resident_directory'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import { staffEvent } from '#audit/staff_action'
import type { AuditAction } from '#audit/audit_vocabulary'

/** What a resident may change about themselves (the 利用者ID and staff's notes are staff's) */
export type OwnFields = {
  familyName: string
  givenName: string
  familyNameKana: string
  givenNameKana: string
  phone: string | null
}

/** A child's fields: the same as staff enter */
export type OwnChildFields = ChildFields

export type OwnChildView = OwnChildFields & {
  id: number
  /** Coupon lots were issued from these dates: only the center may change them */
  datesLocked: boolean
}

const OWN_COLUMNS: Record<keyof OwnFields, string> = {
  familyName: 'family_name',
  givenName: 'given_name',
  familyNameKana: 'family_name_kana',
  givenNameKana: 'given_name_kana',
  phone: 'phone',
}

/**
 * A resident's own record as the resident app shows and changes it: name,
 * kana, phone and children. Always the signed-in resident's own row
 * (ctx.resident); a child id of anyone else is "not found". The same audit
 * actions as staff changes (resident.updated, resident.child_added,
 * resident.child_updated); the actor's role tells them apart.
 */
export default class ResidentProfile {
  constructor(
    readonly resident: Resident,
    private readonly today: () => string = todayInJapan
  ) {}

  get #municipalityId() {
    return this.resident.municipalityId
  }

  /** The same queries as the staff console's, scoped to the resident's municipality */
  get #directory() {
    return new ResidentDirectory(this.#municipalityId, this.today)
  }

  /** The profile page: what the resident entered, nothing staff keep about them */
  async view() {
    const children = await this.#directory.children(this.resident.id)
    const lots = await this.#directory.lotsByChild(this.resident.id)
    return {
      residentNumber: this.resident.residentNumber,
      familyName: this.resident.familyName,
      givenName: this.resident.givenName,
      familyNameKana: this.resident.familyNameKana,
      givenNameKana: this.resident.givenNameKana,
      phone: this.resident.phone,
      children: children.map((child): OwnChildView => ({
        id: child.id,
        givenName: child.givenName,
        dueDate: child.dueDate,
        birthDate: child.birthDate,
        multipleBirth: child.multipleBirth,
        datesLocked: (lots.get(child.id) ?? 0) > 0,
      })),
    }
  }

  /** One of the resident's own children; anyone else's is "not found" */
  async findChild(childId: number) {
    return Child.query()
      .where('municipality_id', this.#municipalityId)
      .where('resident_id', this.resident.id)
      .where('id', childId)
      .firstOrFail()
  }

  /** Audited as `resident.updated` with the names of the fields changed (never their values) */
  async update(fields: OwnFields, by: StaffAction) {
    return db.transaction(async (trx) => {
      const resident = await Resident.query({ client: trx })
        .where('id', this.resident.id)
        .where('municipality_id', this.#municipalityId)
        .firstOrFail()
      const changed = (Object.keys(OWN_COLUMNS) as (keyof OwnFields)[]).filter(
        (key) => (resident[key] ?? null) !== (fields[key] ?? null)
      )
      resident.merge(fields)
      await resident.useTransaction(trx).save()
      await AuditTrail.record(
        {
          ...this.#event('resident.updated', by),
          details: { changed: changed.map((key) => OWN_COLUMNS[key]) },
        },
        trx
      )
      return { changed: changed.map((key) => OWN_COLUMNS[key]) }
    })
  }

  /** A child born or expected; audited as `resident.child_added` */
  async addChild(fields: OwnChildFields, by: StaffAction) {
    this.#directory.checkChild(fields)
    return db.transaction(async (trx) => {
      const child = await Child.create(
        { ...fields, municipalityId: this.#municipalityId, residentId: this.resident.id },
        { client: trx }
      )
      await AuditTrail.record(
        { ...this.#event('resident.child_added', by), details: { child_ids: [child.id] } },
        trx
      )
      return child
    })
  }

  /**
   * Records a birth, corrects a name. Once coupon lots were issued for the
   * child, their windows were counted from these dates: the resident may
   * not move them (staff do, and decide about the lots).
   */
  async updateChild(childId: number, fields: OwnChildFields, by: StaffAction) {
    return db.transaction(async (trx) => {
      const child = await Child.query({ client: trx })
        .where('municipality_id', this.#municipalityId)
        .where('resident_id', this.resident.id)
        .where('id', childId)
        .firstOrFail()
      const changed = (Object.keys(CHILD_COLUMNS) as (keyof OwnChildFields)[]).filter(
        (key) => (child[key] ?? null) !== (fields[key] ?? null)
      )
      const datesChanged = changed.filter((key) => key === 'dueDate' || key === 'birthDate')
      if (datesChanged.length > 0 && (await this.#directory.lotsIssued(child.id, trx)) > 0) {
        throw new ResidentAccountRefusal(
          'child_dates_locked',
          {},
          datesChanged[0] === 'dueDate' ? 'due_date' : 'birth_date'
        )
      }
      this.#directory.checkChild(fields)
      child.merge(fields)
      await child.useTransaction(trx).save()
      await AuditTrail.record(
        {
          ...this.#event('resident.child_updated', by),
          details: { child_id: child.id, changed: changed.map((key) => CHILD_COLUMNS[key]) },
        },
        trx
      )
      return { child, changed: changed.map((key) => CHILD_COLUMNS[key]) }
    })
  }

  #event(action: AuditAction, by: StaffAction) {
    return {
      ...staffEvent(this.#municipalityId, by, { action, purpose: 'resident_self_service' }),
      subjectResidentId: this.resident.id,
    }
  }
}
