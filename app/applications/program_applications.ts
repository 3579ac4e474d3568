import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { MessagesProviderContact } from '@vinejs/vine/types'
import AuditTrail from '#audit/audit_trail'
import Application, { type ApplicationStatus } from '#applications/application'
import Child from '#residents/child'
import CouponIssuance, { todayInJapan, type IssuedLot } from '#ledger/coupon_issuance'
import CouponDefinitions from '#ledger/coupon_definitions'
import type { StaffAction } from '#audit/staff_action'
import EntitlementCalendar from '#ledger/entitlement_calendar'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import PluginForm from '#plugin_host/plugin_form'
import type { DateRule, FormField, LocalizedText } from '#plugin_host/define_plugin'
import { affectedRows } from '#shared/affected_rows'
import { staffEvent } from '#audit/staff_action'
import ResidentNotices from '#residents/resident_notices'
import { localizedText } from '#shared/localized_text'
import ApplicationRefusal from './application_refusal.js'

export const REASON_MAX_LENGTH = 500
export const QUEUE_PAGE_SIZE = 50
export const APPLICATION_STATUSES: ApplicationStatus[] = [
  'submitted',
  'approved',
  'rejected',
  'withdrawn',
]

export type SubmitInput = ProgramRef & {
  /** The child the application is for, when the program counts per child */
  childId?: number | null
  /** The answers to the plugin's application form, as sent */
  answers: unknown
}

export type SubmitOptions = {
  /** Who submits; the resident's own account when omitted */
  by?: StaffAction
  /** Names the form's fields in the reader's language in validation errors */
  messagesProvider?: MessagesProviderContact
}

export type ApproveOptions = {
  /** Staff's choice within the window's range; omitted: the window's full amount */
  minutes?: number | null
  copaymentTier?: string | null
  /** Only when the application names no child and the program needs one */
  childId?: number | null
  /** Defaults to today in Japan */
  issueDate?: string
}

export type QueueFilters = {
  status?: ApplicationStatus | 'all'
  /** "<plugin id>:<program code>" */
  program?: string
  /** A resident ID (利用者ID) */
  resident?: string
  page?: number
}

export type PreviewWindow = {
  key: string
  name: LocalizedText
  minutes: number
  minimumMinutes: number | null
  /** Null while the child's birth or due date is unknown */
  validFrom: string | null
  validTo: string | null
}

export type GrantPreview = {
  definition: { version: string; name: LocalizedText }
  unit: { label: LocalizedText; minutes: number }
  windows: PreviewWindow[]
  /** Staff choose the amount within this range (one window with a minimum) */
  amount: { minimumMinutes: number; maximumMinutes: number; stepMinutes: number } | null
  /** The program's co-payment tiers, when staff must pick one */
  tiers: { code: string; name: LocalizedText; yenPerUnit: number }[] | null
  /** The resident's children, when the grant needs one and the application names none */
  children: Child[] | null
}

type ApplicationRow = {
  id: number
  resident_id: number
  plugin_id: string
  program_code: string
  child_id: number | null
  status: ApplicationStatus
}

/**
 * Residents' applications to programs: submitted with the answers to the
 * form the program's plugin declares, then approved by staff (which issues
 * the program's default grant in the same transaction) or rejected with a
 * reason the resident sees. A decision is taken once: the status changes
 * from submitted with a guarded UPDATE, so of two staff deciding at the
 * same moment exactly one wins; a resident's withdrawal races the same
 * way. Every step commits with its audit event, and the resident's mail
 * about a decision is queued only once it has committed.
 */
export default class ProgramApplications {
  /** The questions of a program's application form (none when it declares none) */
  static async formFields(ref: ProgramRef): Promise<FormField[]> {
    const { plugin } = await ProgramCatalog.find(ref)
    return plugin.applicationForm?.fields ?? []
  }

  /**
   * Whether the program counts per child under the municipality's default
   * definition (the grant on approval needs one; grantPreview decides the same)
   */
  static async needsChild(municipalityId: number, ref: ProgramRef) {
    const { program } = await ProgramCatalog.find(ref)
    const version = await CouponDefinitions.defaultVersion(municipalityId, ref)
    return ProgramCatalog.definition(program, version).per !== 'resident'
  }

  static async submit(
    municipalityId: number,
    residentId: number,
    input: SubmitInput,
    options: SubmitOptions = {}
  ) {
    const ref = { pluginId: input.pluginId, programCode: input.programCode }
    const answers = await PluginForm.answersFrom(
      await this.formFields(ref),
      input.answers,
      options.messagesProvider
    )

    return db.transaction(async (trx) => {
      await ProgramCatalog.assertEnabled(municipalityId, ref, trx)
      // The resident's row is the lock that keeps one open application per
      // program (SQLite serializes writers anyway).
      const residentQuery = trx
        .from('residents')
        .where({ id: residentId, municipality_id: municipalityId })
      if (trx.dialect.name === 'postgres') residentQuery.forUpdate()
      const resident = await residentQuery.first()
      if (!resident) throw new LedgerRefusal('resident_not_found')

      const childId = input.childId ?? null
      if (childId !== null) {
        const child = await trx
          .from('children')
          .where({ id: childId, resident_id: residentId, municipality_id: municipalityId })
          .first()
        if (!child) throw new LedgerRefusal('child_not_found')
      }

      const [open] = await this.openOf(municipalityId, residentId, ref, trx)
      if (open) throw new ApplicationRefusal('already_open', { applicationId: open.id })

      const application = await Application.create(
        {
          municipalityId,
          residentId,
          pluginId: ref.pluginId,
          programCode: ref.programCode,
          childId,
          answers,
          status: 'submitted',
        },
        { client: trx }
      )
      const by = options.by ?? {
        actorUserId: resident.user_id === null ? null : Number(resident.user_id),
        actorRole: 'resident',
        source: { channel: 'web' as const },
      }
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'application.submitted',
          subjectResidentId: residentId,
          details: {
            application_id: application.id,
            plugin_id: ref.pluginId,
            program_code: ref.programCode,
            child_id: childId,
          },
        }),
        trx
      )
      return application
    })
  }

  /** One application of the municipality, or a 404 */
  static async find(municipalityId: number, applicationId: number) {
    return Application.query()
      .where('id', applicationId)
      .where('municipality_id', municipalityId)
      .preload('resident')
      .preload('child')
      .preload('decidedBy')
      .firstOrFail()
  }

  /**
   * Approves a submitted application and issues the program's default
   * grant, in one transaction. A ledger refusal (caps, windows,
   * eligibility, amount, tier) leaves the application submitted and
   * nothing issued.
   */
  static async approve(
    municipalityId: number,
    applicationId: number,
    options: ApproveOptions,
    by: StaffAction
  ): Promise<{ applicationId: number; lots: IssuedLot[] }> {
    return db.transaction(async (trx) => {
      const application = await this.#decide(
        trx,
        municipalityId,
        applicationId,
        'approved',
        null,
        by
      )
      const childId = application.child_id ?? options.childId ?? null
      const lots = await CouponIssuance.issue(
        {
          municipalityId,
          residentId: Number(application.resident_id),
          pluginId: application.plugin_id,
          programCode: application.program_code,
          childId,
          minutes: options.minutes ?? null,
          copaymentTier: options.copaymentTier ?? null,
          issueDate: options.issueDate,
        },
        by,
        trx
      )
      // The child staff chose is remembered with the application.
      if (application.child_id === null && childId !== null) {
        await trx.from('applications').where('id', applicationId).update({ child_id: childId })
      }
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'application.approved',
          subjectResidentId: Number(application.resident_id),
          details: {
            application_id: applicationId,
            plugin_id: application.plugin_id,
            program_code: application.program_code,
            lot_ids: lots.map((lot) => lot.lotId),
            minutes: lots.reduce((total, lot) => total + lot.minutes, 0),
          },
        }),
        trx
      )
      // The approval mail says the coupons were issued: no separate
      // grant_issued mail for this grant.
      const { program } = await ProgramCatalog.find({
        pluginId: application.plugin_id,
        programCode: application.program_code,
      })
      await ResidentNotices.send(
        Number(application.resident_id),
        {
          kind: 'application_approved',
          values: (locale) => ({ program: localizedText(program.name, locale) }),
          path: '/',
        },
        trx
      )
      return { applicationId, lots }
    })
  }

  /** Rejects a submitted application with the reason the resident will see */
  static async reject(
    municipalityId: number,
    applicationId: number,
    reason: string,
    by: StaffAction
  ) {
    const text = (reason ?? '').trim()
    if (text.length === 0) throw new ApplicationRefusal('reason_required')
    if (text.length > REASON_MAX_LENGTH) {
      throw new ApplicationRefusal('reason_too_long', { max: REASON_MAX_LENGTH })
    }
    return db.transaction(async (trx) => {
      const application = await this.#decide(
        trx,
        municipalityId,
        applicationId,
        'rejected',
        text,
        by
      )
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'application.rejected',
          subjectResidentId: Number(application.resident_id),
          // The reason is free text: it stays on the application, not in the trail.
          details: {
            application_id: applicationId,
            plugin_id: application.plugin_id,
            program_code: application.program_code,
          },
        }),
        trx
      )
      const { program } = await ProgramCatalog.find({
        pluginId: application.plugin_id,
        programCode: application.program_code,
      })
      const municipality = await trx.from('municipalities').where('id', municipalityId).first()
      await ResidentNotices.send(
        Number(application.resident_id),
        {
          kind: 'application_rejected',
          values: (locale) => ({ program: localizedText(program.name, locale), reason: text }),
          path: `/m/${municipality.slug}/my/applications/${applicationId}`,
        },
        trx
      )
      return { applicationId }
    })
  }

  /**
   * The resident takes back an application nobody has decided yet. The
   * same guarded UPDATE as a decision: of a withdrawal and a staff
   * decision at the same moment exactly one wins; the loser is told which.
   * Only the resident's own application changes (another's is not found).
   */
  static async withdraw(
    municipalityId: number,
    residentId: number,
    applicationId: number,
    by: StaffAction
  ) {
    return db.transaction(async (trx) => {
      const mine = { id: applicationId, municipality_id: municipalityId, resident_id: residentId }
      const now = DateTime.now().toFormat(trx.dialect.dateTimeFormat)
      const updated = await trx
        .from('applications')
        .where({ ...mine, status: 'submitted' })
        .update({
          status: 'withdrawn',
          decided_by_user_id: by.actorUserId,
          decided_at: now,
          updated_at: now,
        })
      const row = (await trx.from('applications').where(mine).first()) as ApplicationRow | null
      if (!row) throw new ApplicationRefusal('not_found')
      if (affectedRows(updated) !== 1) {
        throw new ApplicationRefusal('already_decided', { status: row.status })
      }
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'application.withdrawn',
          subjectResidentId: residentId,
          details: {
            application_id: applicationId,
            plugin_id: row.plugin_id,
            program_code: row.program_code,
          },
        }),
        trx
      )
      return { applicationId }
    })
  }

  /**
   * The resident's applications nobody has decided yet (of one program
   * when given): at most one per program, as submit keeps it.
   */
  static async openOf(
    municipalityId: number,
    residentId: number,
    ref?: ProgramRef,
    client: QueryClientContract = db.connection()
  ): Promise<(ProgramRef & { id: number })[]> {
    const query = client
      .from('applications')
      .where({ municipality_id: municipalityId, resident_id: residentId, status: 'submitted' })
      .select('id', 'plugin_id', 'program_code')
      .orderBy('id')
    if (ref) query.where({ plugin_id: ref.pluginId, program_code: ref.programCode })
    const rows = await query
    return rows.map((row) => ({
      id: Number(row.id),
      pluginId: String(row.plugin_id),
      programCode: String(row.program_code),
    }))
  }

  /**
   * What the resident's apply page says of each program: the application
   * still open, and whether the program asks which child.
   */
  static async choicesFor(municipalityId: number, residentId: number, refs: ProgramRef[]) {
    const open = await this.openOf(municipalityId, residentId)
    const choices = []
    for (const ref of refs) {
      const application = open.find(
        (row) => row.pluginId === ref.pluginId && row.programCode === ref.programCode
      )
      choices.push({
        ...ref,
        openApplicationId: application?.id ?? null,
        perChild: await this.needsChild(municipalityId, ref),
      })
    }
    return choices
  }

  /** The children an application of the resident may name, in the order they were added */
  static async childrenOf(municipalityId: number, residentId: number) {
    return Child.query()
      .where('municipality_id', municipalityId)
      .where('resident_id', residentId)
      .orderBy('id')
  }

  /** Every application of one resident, newest first */
  static async ofResident(municipalityId: number, residentId: number) {
    return Application.query()
      .where('municipality_id', municipalityId)
      .where('resident_id', residentId)
      .preload('child')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
  }

  /** One application of the resident, or null (another's is not theirs to see) */
  static async findOwn(municipalityId: number, residentId: number, applicationId: number) {
    return Application.query()
      .where('id', applicationId)
      .where('municipality_id', municipalityId)
      .where('resident_id', residentId)
      .preload('child')
      .first()
  }

  /** A page of the municipality's applications, oldest submitted first */
  static async queue(municipalityId: number, filters: QueueFilters = {}) {
    const status = filters.status ?? 'submitted'
    const query = Application.query()
      .where('municipality_id', municipalityId)
      .preload('resident')
      .preload('child')
    if (status !== 'all') query.where('status', status)
    if (filters.program) {
      const [pluginId, programCode] = filters.program.split(':')
      query.where('plugin_id', pluginId).where('program_code', programCode ?? '')
    }
    if (filters.resident) {
      query.whereHas('resident', (resident) => {
        resident
          .where('municipality_id', municipalityId)
          .where('resident_number', filters.resident!)
      })
    }
    if (status === 'submitted') query.orderBy('created_at', 'asc')
    else query.orderBy('updated_at', 'desc')
    query.orderBy('id', 'asc')
    return query.paginate(filters.page ?? 1, QUEUE_PAGE_SIZE)
  }

  /**
   * What approving would issue under the municipality's default
   * definition: its windows still open (hours and dates), and what staff
   * must choose (amount, co-payment tier, child).
   */
  static async grantPreview(
    municipalityId: number,
    application: Application,
    issueDate = todayInJapan()
  ): Promise<GrantPreview> {
    const ref = { pluginId: application.pluginId, programCode: application.programCode }
    const { program } = await ProgramCatalog.find(ref)
    const version = await CouponDefinitions.defaultVersion(municipalityId, ref)
    const definition = ProgramCatalog.definition(program, version)
    const children = await this.childrenOf(municipalityId, application.residentId)
    const child = children.find((candidate) => candidate.id === application.childId) ?? null
    const births = child?.multipleBirth ? 'multiple' : 'single'
    const birthDate = child?.anchorDate ?? null
    const resolvable = (rule: DateRule) => rule.anchor !== 'birth' || birthDate !== null

    const windows: PreviewWindow[] = definition.windows
      .filter((window) => !window.births || window.births === births)
      .map((window) => {
        const on = { issueDate, birthDate }
        const dated = resolvable(window.from) && resolvable(window.to)
        return {
          key: window.key,
          name: window.name,
          minutes: window.totalMinutes,
          minimumMinutes: window.minimumMinutes ?? null,
          validFrom: dated
            ? EntitlementCalendar.later(EntitlementCalendar.resolve(window.from, on), issueDate)
            : null,
          validTo: dated ? EntitlementCalendar.resolve(window.to, on) : null,
        }
      })
      .filter((window) => window.validTo === null || window.validTo >= issueDate)

    const only = windows.length === 1 ? windows[0] : null
    return {
      definition: { version, name: definition.name },
      unit: program.unit,
      windows,
      amount:
        only && only.minimumMinutes !== null
          ? {
              minimumMinutes: only.minimumMinutes,
              maximumMinutes: only.minutes,
              stepMinutes: program.unit.minutes,
            }
          : null,
      tiers: program.copayment?.tiers ?? null,
      children: definition.per !== 'resident' && !child ? children : null,
    }
  }

  /**
   * Takes the decision if nobody has yet: only a submitted application
   * changes, once. The loser of a race (or a second click) is told who won.
   */
  static async #decide(
    trx: TransactionClientContract,
    municipalityId: number,
    applicationId: number,
    status: 'approved' | 'rejected',
    reason: string | null,
    by: StaffAction
  ): Promise<ApplicationRow> {
    const now = DateTime.now().toFormat(trx.dialect.dateTimeFormat)
    const updated = await trx
      .from('applications')
      .where({ id: applicationId, municipality_id: municipalityId, status: 'submitted' })
      .update({
        status,
        decision_reason: reason,
        decided_by_user_id: by.actorUserId,
        decided_at: now,
        updated_at: now,
      })
    const row = (await trx
      .from('applications')
      .where({ id: applicationId, municipality_id: municipalityId })
      .first()) as ApplicationRow | null
    if (!row) throw new ApplicationRefusal('not_found')
    if (affectedRows(updated) !== 1) {
      throw new ApplicationRefusal('already_decided', { status: row.status })
    }
    return row
  }
}
