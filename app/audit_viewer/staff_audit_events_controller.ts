import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import AuditTrailPolicy from '#audit_viewer/audit_trail_policy'
import { auditExportValidator, auditFiltersValidator } from '#audit_viewer/audit_validator'
import AuditSearch, { AUDIT_TIME_ZONE, type AuditFilters } from '#audit_viewer/audit_search'
import AuditWording from '#audit_viewer/audit_wording'
import ConsolePolicy from '#tenancy/console_policy'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import { csvDownloadHeaders, csvStream } from '#csv/csv_export'
import type { AuditAction } from '#audit/audit_vocabulary'

function toFilters(input: {
  resident_number?: string
  actor?: number
  action?: string
  from?: Date
  to?: Date
}): AuditFilters {
  const day = (date?: Date) => (date ? DateTime.fromJSDate(date).toISODate()! : undefined)
  return {
    residentNumber: input.resident_number,
    actorUserId: input.actor,
    action: input.action,
    from: day(input.from),
    to: day(input.to),
  }
}

/**
 * The export's columns: what each event says in words, then its recorded
 * codes (action, purpose, destination) for filtering in a spreadsheet and
 * for matching against the trail itself.
 */
const AUDIT_CSV_COLUMNS = [
  'occurred_at',
  'sequence',
  'action',
  'outcome',
  'actor',
  'role',
  'resident_number',
  'purpose',
  'source_ip',
  'channel',
  'destination',
  'action_code',
  'purpose_code',
  'destination_code',
]

/**
 * The audit viewer of a municipality (administrators only). Reading the
 * trail and exporting it are themselves audited.
 */
export default class StaffAuditEventsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant } = ctx
    await bouncer.with(AuditTrailPolicy).authorize('read', tenant)
    const input = await request.validateUsing(auditFiltersValidator)
    const filters = toFilters(input)
    const page = input.page ?? 1
    // Names only for those who may open the resident's page anyway
    const residentNames = await bouncer.with(ConsolePolicy).allows('staff', tenant)
    const search = new AuditSearch(tenant.municipalityId, filters, {
      wording: new AuditWording(ctx.i18n),
      residentNames,
    })
    const result = await search.page(page)

    // Recorded before anything is shown, with whose names this page shows
    const named = result.events.filter((event) => event.residentName)
    await this.#record(ctx, 'audit.viewed', httpDestination(ctx), {
      filters,
      page,
      residents_shown: [...new Set(named.map((event) => event.residentId))],
    })

    return inertia.render('audit_viewer/index', {
      municipality: {
        slug: tenant.municipality.slug,
        name: tenant.municipality.nameIn(ctx.i18n.locale),
      },
      filters,
      result,
      residentNames,
      actors: await search.actors(),
      actions: await search.actions(ctx.i18n.locale),
    })
  }

  async export(ctx: HttpContext) {
    const { bouncer, request, response, tenant } = ctx
    await bouncer.with(AuditTrailPolicy).authorize('read', tenant)
    const input = await request.validateUsing(auditExportValidator)
    const filters = toFilters(input)
    const encoding = input.encoding ?? 'utf8_bom'
    const stamp = DateTime.now().setZone(AUDIT_TIME_ZONE).toFormat('yyyyMMdd-HHmm')
    const filename = `audit_${tenant.municipality.code}_${stamp}.csv`

    // Recorded before the first byte leaves: no export without its record.
    await this.#record(ctx, 'audit.exported', `file:${filename}`, { filters, encoding })

    // The file leaves the system: words and codes, the resident's number but not their name
    const search = new AuditSearch(tenant.municipalityId, filters, {
      wording: new AuditWording(ctx.i18n),
      residentNames: false,
    })
    const header = AUDIT_CSV_COLUMNS.map((key) => ctx.i18n.t(`ui.audit.columns.${key}`))
    const rows = (async function* () {
      for await (const event of search.all()) {
        yield [
          event.occurredAt,
          event.sequence,
          event.title,
          event.outcomeLabel,
          event.actorName,
          event.roleLabel,
          event.residentNumber,
          event.purposeLabel,
          event.sourceIp,
          event.channelLabel,
          event.destinationLabel,
          event.action,
          event.purpose,
          event.destination,
        ]
      }
    })()

    for (const [name, value] of Object.entries(csvDownloadHeaders(encoding, { name: filename }))) {
      response.header(name, value)
    }
    return response.stream(csvStream(header, rows, encoding))
  }

  #record(
    ctx: HttpContext,
    action: AuditAction,
    destination: string,
    details: Record<string, unknown>
  ) {
    return AuditTrail.record({
      municipalityId: ctx.tenant.municipalityId,
      action,
      actorUserId: ctx.auth.user!.id,
      actorRole: ctx.tenant.primaryRole,
      purpose: 'audit_review',
      source: httpAuditSource(ctx),
      destination,
      details,
    })
  }
}
