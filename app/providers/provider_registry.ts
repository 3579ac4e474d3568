import db from '@adonisjs/lucid/services/db'
import ProgramCatalog from '#ledger/program_catalog'
import { errors as lucidErrors } from '@adonisjs/lucid'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import ProviderContract from '#providers/provider_contract'
import Municipality from '#tenancy/municipality'
import AuditTrail from '#audit/audit_trail'
import AccountInvitation from '#tenancy/account_invitation'
import ProviderStaffMail from '#providers/provider_staff_mail'
import ProviderRefusal from '#providers/provider_refusal'
import { staffEvent } from '#audit/staff_action'
import type { StaffAction } from '#audit/staff_action'
import type { PluginManifest, ProgramManifest } from '#plugin_host/define_plugin'
import i18nManager from '@adonisjs/i18n/services/main'
import { PROVIDER_STAFF_ROLES, type ProviderStaffRole } from '#identity/membership'
import type { AuditAction } from '#audit/audit_vocabulary'

export type ProviderInput = { nameJa: string; nameEn: string; phone: string | null }
export type FacilityInput = {
  nameJa: string
  nameEn: string
  address: string | null
  phone: string | null
}
/** The services of one program a provider is contracted for */
export { PROVIDER_STAFF_ROLES, type ProviderStaffRole }

export type ContractSelection = { pluginId: string; programCode: string; services: string[] }
export type StaffInvitationInput = {
  email: string
  fullName: string
  locale: string
  role: ProviderStaffRole
}

/** A program a municipality may contract providers for */
export type ContractableProgram = { plugin: PluginManifest; program: ProgramManifest }

/**
 * Providers (事業者) as a municipality sees them: those it has a contract
 * with (a provider_contracts row here); any other provider answers 404.
 * Registration, facilities, the contracted programs and services (only
 * programs of plugins the municipality has enabled, only services those
 * programs declare) and invitations of the provider's staff. Every change
 * commits with its audit event.
 */
export default class ProviderRegistry {
  /** Providers contracted here, by Japanese name */
  static visible(municipalityId: number, client?: TransactionClientContract) {
    return Provider.query(client ? { client } : {})
      .whereIn(
        'id',
        (client ?? db)
          .from('provider_contracts')
          .where('municipality_id', municipalityId)
          .select('provider_id')
      )
      .orderBy('name_ja')
      .orderBy('id')
  }

  /** A provider contracted here, or E_ROW_NOT_FOUND (404) */
  static async find(
    municipalityId: number,
    providerId: number,
    client?: TransactionClientContract
  ) {
    const provider = await this.visible(municipalityId, client).where('id', providerId).first()
    if (!provider) throw new lucidErrors.E_ROW_NOT_FOUND()
    return provider
  }

  /** One of a visible provider's facilities, or E_ROW_NOT_FOUND (404) */
  static async findFacility(
    municipalityId: number,
    providerId: number,
    facilityId: number,
    client?: TransactionClientContract
  ) {
    const provider = await this.find(municipalityId, providerId, client)
    const facility = await Facility.query(client ? { client } : {})
      .where('provider_id', provider.id)
      .where('id', facilityId)
      .first()
    if (!facility) throw new lucidErrors.E_ROW_NOT_FOUND()
    return { provider, facility }
  }

  /** Programs of the plugins this municipality has enabled */
  static contractablePrograms(
    municipalityId: number,
    client: TransactionClientContract | typeof db = db
  ): Promise<ContractableProgram[]> {
    return ProgramCatalog.enabled(municipalityId, client)
  }

  /**
   * Checks a selection against what the municipality may contract for and
   * returns it normalized: one entry per program, services in the order
   * the program declares them, programs without services left out.
   */
  static async checkSelections(
    municipalityId: number,
    selections: ContractSelection[],
    client: TransactionClientContract | typeof db = db
  ): Promise<ContractSelection[]> {
    const programs = await this.contractablePrograms(municipalityId, client)
    const chosen = new Map<string, Set<string>>()
    for (const selection of selections) {
      const known = programs.find(
        ({ plugin, program }) =>
          plugin.id === selection.pluginId && program.code === selection.programCode
      )
      if (!known) {
        throw new ProviderRefusal('unknown_program', {
          program: `${selection.pluginId}/${selection.programCode}`,
        })
      }
      const declared = known.program.services.map((service) => service.code)
      const unknown = selection.services.find((service) => !declared.includes(service))
      if (unknown !== undefined) throw new ProviderRefusal('unknown_service', { service: unknown })
      const key = `${selection.pluginId}/${selection.programCode}`
      const set = chosen.get(key) ?? new Set<string>()
      selection.services.forEach((service) => set.add(service))
      chosen.set(key, set)
    }
    const normalized: ContractSelection[] = []
    for (const { plugin, program } of programs) {
      const set = chosen.get(`${plugin.id}/${program.code}`)
      const services = program.services
        .map((service) => service.code)
        .filter((code) => set?.has(code))
      if (services.length > 0) {
        normalized.push({ pluginId: plugin.id, programCode: program.code, services })
      }
    }
    if (normalized.length === 0) throw new ProviderRefusal('no_services')
    return normalized
  }

  /**
   * Reads form keys "plugin/program/service" into selections. Anything
   * else is refused (the registry then checks what they name).
   */
  static selectionsFromKeys(keys: string[]): ContractSelection[] {
    const byProgram = new Map<string, ContractSelection>()
    for (const key of keys) {
      const parts = key.split('/')
      if (parts.length !== 3 || parts.some((part) => !/^[a-z0-9_]+$/.test(part))) {
        throw new ProviderRefusal('invalid_selection')
      }
      const [pluginId, programCode, service] = parts
      const programKey = `${pluginId}/${programCode}`
      const selection = byProgram.get(programKey) ?? { pluginId, programCode, services: [] }
      selection.services.push(service)
      byProgram.set(programKey, selection)
    }
    return [...byProgram.values()]
  }

  static async register(
    municipalityId: number,
    input: ProviderInput & { contracts: ContractSelection[] },
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const contracts = await this.checkSelections(municipalityId, input.contracts, trx)
      const provider = await Provider.create(
        { nameJa: input.nameJa, nameEn: input.nameEn, phone: input.phone },
        { client: trx }
      )
      for (const contract of contracts) {
        await ProviderContract.create(
          {
            municipalityId,
            providerId: provider.id,
            ...contract,
            updatedByUserId: by.actorUserId,
          },
          { client: trx }
        )
      }
      await this.#audit(trx, municipalityId, 'provider.registered', by, {
        provider_id: provider.id,
        contracts: contracts.flatMap(contractKey),
      })
      return provider
    })
  }

  static async update(
    municipalityId: number,
    providerId: number,
    input: ProviderInput,
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const provider = await this.find(municipalityId, providerId, trx)
      provider.merge({ nameJa: input.nameJa, nameEn: input.nameEn, phone: input.phone })
      const changed = Object.keys(provider.$dirty)
      await provider.useTransaction(trx).save()
      await this.#audit(trx, municipalityId, 'provider.updated', by, {
        provider_id: provider.id,
        changed: changed.map(snakeCase),
      })
      return provider
    })
  }

  static async addFacility(
    municipalityId: number,
    providerId: number,
    input: FacilityInput,
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const provider = await this.find(municipalityId, providerId, trx)
      const facility = await Facility.create({ providerId: provider.id, ...input }, { client: trx })
      await this.#audit(trx, municipalityId, 'facility.added', by, {
        provider_id: provider.id,
        facility_id: facility.id,
      })
      return facility
    })
  }

  static async updateFacility(
    municipalityId: number,
    providerId: number,
    facilityId: number,
    input: FacilityInput,
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const { provider, facility } = await this.findFacility(
        municipalityId,
        providerId,
        facilityId,
        trx
      )
      facility.merge(input)
      const changed = Object.keys(facility.$dirty)
      await facility.useTransaction(trx).save()
      await this.#audit(trx, municipalityId, 'facility.updated', by, {
        provider_id: provider.id,
        facility_id: facility.id,
        changed: changed.map(snakeCase),
      })
      return facility
    })
  }

  /**
   * Makes the provider's contracts here exactly `selections`. At least one
   * service stays contracted (a provider with none would vanish from the
   * municipality's console).
   */
  static async setContracts(
    municipalityId: number,
    providerId: number,
    selections: ContractSelection[],
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const provider = await this.find(municipalityId, providerId, trx)
      const wanted = await this.checkSelections(municipalityId, selections, trx)
      const current = await ProviderContract.query({ client: trx })
        .where('municipality_id', municipalityId)
        .where('provider_id', provider.id)
      const before = current.flatMap(contractKey).sort()
      for (const contract of current) {
        const match = wanted.find(
          (selection) =>
            selection.pluginId === contract.pluginId &&
            selection.programCode === contract.programCode
        )
        if (!match) {
          await contract.useTransaction(trx).delete()
        } else if (match.services.join() !== contract.services.join()) {
          contract.merge({ services: match.services, updatedByUserId: by.actorUserId })
          await contract.useTransaction(trx).save()
        }
      }
      for (const selection of wanted) {
        const exists = current.some(
          (contract) =>
            contract.pluginId === selection.pluginId &&
            contract.programCode === selection.programCode
        )
        if (!exists) {
          await ProviderContract.create(
            {
              municipalityId,
              providerId: provider.id,
              ...selection,
              updatedByUserId: by.actorUserId,
            },
            { client: trx }
          )
        }
      }
      const after = wanted.flatMap(contractKey).sort()
      await this.#audit(trx, municipalityId, 'provider.contracts_changed', by, {
        provider_id: provider.id,
        added: after.filter((key) => !before.includes(key)),
        removed: before.filter((key) => !after.includes(key)),
      })
      return wanted
    })
  }

  /**
   * Invites a person as the provider's administrator or staff in this
   * municipality (AccountInvitation: a link by mail, the role only once
   * the invitee accepts; no account at the address is read, so the answer
   * is the same whether or not one exists).
   */
  static async inviteStaff(
    municipalityId: number,
    providerId: number,
    input: StaffInvitationInput,
    by: StaffAction
  ) {
    const { issued, provider } = await db.transaction(async (trx) => {
      const found = await this.find(municipalityId, providerId, trx)
      const invitation = await AccountInvitation.issue(
        input,
        { municipalityId, providerId: found.id, role: input.role },
        { userId: by.actorUserId, role: by.actorRole },
        trx
      )
      await this.#audit(trx, municipalityId, 'provider.staff_invited', by, {
        provider_id: found.id,
        invitation_id: invitation.invitation.id,
        role: input.role,
      })
      return { issued: invitation, provider: found }
    })
    const municipality = await Municipality.findOrFail(municipalityId)
    await AccountInvitation.notify(issued, ({ link, invitation }) => {
      const locale = invitation.locale
      return new ProviderStaffMail({
        to: invitation.email,
        locale,
        link,
        values: {
          name: invitation.fullName,
          provider: provider.nameIn(locale),
          municipality: municipality.nameIn(locale),
          role: i18nManager.locale(locale).t(`ui.roles.${input.role}`),
        },
      })
    })
    return issued.invitation
  }

  /** The provider's people in this municipality, with their roles */
  static async staff(municipalityId: number, providerId: number) {
    const rows = await db
      .from('memberships')
      .join('users', 'users.id', 'memberships.user_id')
      .where('memberships.municipality_id', municipalityId)
      .where('memberships.provider_id', providerId)
      .whereIn('memberships.role', PROVIDER_STAFF_ROLES)
      .orderBy('memberships.role')
      .orderBy('users.full_name')
      .select(
        'memberships.id',
        'memberships.role',
        'users.full_name',
        'users.email',
        'users.id as user_id'
      )
    return rows.map((row) => ({
      membershipId: Number(row.id),
      userId: Number(row.user_id),
      fullName: String(row.full_name),
      email: String(row.email),
      role: row.role as ProviderStaffRole,
    }))
  }

  static #audit(
    trx: TransactionClientContract,
    municipalityId: number,
    action: AuditAction,
    by: StaffAction,
    details: Record<string, unknown>
  ) {
    return AuditTrail.record(
      staffEvent(municipalityId, by, { action, purpose: 'provider_management', details }),
      trx
    )
  }
}

function contractKey(contract: Pick<ContractSelection, 'pluginId' | 'programCode' | 'services'>) {
  return contract.services.map(
    (service) => `${contract.pluginId}/${contract.programCode}/${service}`
  )
}

function snakeCase(name: string) {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
}
