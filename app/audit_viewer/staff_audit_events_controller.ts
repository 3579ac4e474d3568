import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import AuditTrailPolicy from '#audit_viewer/audit_trail_policy'
import { auditExportValidator, auditFiltersValidator } from '#audit_viewer/audit_validator'
import AuditSearch, { AUDIT_TIME_ZONE, type AuditFilters } from '#audit_viewer/audit_search'
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
 * The audit viewer of a municipality (administrators only). Reading the
 * trail and exporting it are themselves audited.
 */
export default class StaffAuditEventsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant } = ctx
    await bouncer.with(AuditTrailPolicy).authorize('read', tenant)
    const input = await request.validateUsing(auditFiltersValidator)
    const filters = toFilters(input)
    const search = new AuditSearch(tenant.municipalityId, filters)

    await this.#record(ctx, 'audit.viewed', httpDestination(ctx), {
      filters,
      page: input.page ?? 1,
    })

    return inertia.render('audit_viewer/index', {
      municipality: {
        slug: tenant.municipality.slug,
        name: tenant.municipality.nameIn(ctx.i18n.locale),
      },
      filters,
      result: await search.page(input.page ?? 1),
      actors: await search.actors(),
      actions: await search.actions(),
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

    const search = new AuditSearch(tenant.municipalityId, filters)
    const t = (key: string) => ctx.i18n.t(`ui.audit.columns.${key}`)
    const header = [
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
    ].map(t)
    const rows = (async function* () {
      for await (const event of search.all()) {
        yield [
          event.occurredAt,
          event.sequence,
          event.action,
          event.outcome,
          event.actorName,
          event.actorRole,
          event.residentNumber,
          event.purpose,
          event.sourceIp,
          event.sourceChannel,
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
