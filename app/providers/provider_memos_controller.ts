import type { HttpContext } from '@adonisjs/core/http'
import ProgramCatalog from '#ledger/program_catalog'
import { localizedText } from '#shared/localized_text'
import ProviderHistory from '#providers/provider_history'
import ProviderMemos, { MEMO_MAX_LENGTH, MemoRefusal } from '#providers/provider_memos'
import { displayTime } from '#usage/csv_job_view'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  providerMemoPageValidator,
  providerMemoValidator,
} from '#providers/provider_history_validator'

/** Memos shown on the list at most (newest first) */
const LIST_LIMIT = 100

/**
 * The provider's memos (使用日, notes): the list with a form to write one
 * on a visit or a resident, and deleting one. Only the signed-in staff
 * member's own provider's memos exist here; any other memo id is 404, on
 * the record.
 */
export default class ProviderMemosController {
  async index(ctx: HttpContext) {
    const { request, inertia, tenant, i18n, provider } = ctx
    const input = await request.validateUsing(providerMemoPageValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_history.fields'),
    })
    const history = new ProviderHistory(tenant.municipalityId, provider.id)
    const visits = await history.recent()
    if (input.visit !== undefined && !visits.some((visit) => visit.id === input.visit)) {
      // An older visit chosen on the history page; another provider's is 404
      const [chosen] = await history.recent(1, input.visit)
      if (!chosen) {
        await auditedNotFound(ctx, 'provider.visit_not_found', { redemption_id: input.visit })
      }
      visits.unshift(chosen)
    }
    const memos = await new ProviderMemos(tenant.municipalityId, provider.id).list({
      limit: LIST_LIMIT,
    })

    await recordStaffEvent(ctx, {
      action: 'provider.memos_viewed',
      purpose: 'provider_memo',
      details: {
        provider_id: provider.id,
        memos: memos.length,
        resident_ids: [
          ...new Set(memos.flatMap((memo) => (memo.residentId === null ? [] : [memo.residentId]))),
        ].sort((a, b) => a - b),
      },
    })

    const locale = i18n.locale
    const catalog = await ProgramCatalog.enabled(tenant.municipalityId)
    const serviceName = (pluginId: string | null, programCode: string | null, code: string) => {
      const found = catalog.find(
        ({ plugin, program }) => plugin.id === pluginId && program.code === programCode
      )
      const service = found?.program.services.find((candidate) => candidate.code === code)
      return service ? localizedText(service.name, locale) : code
    }
    return inertia.render('providers/provider/memos/index', {
      maxLength: MEMO_MAX_LENGTH,
      chosenVisit: input.visit ?? null,
      visits: visits.map((visit) => ({
        id: visit.id,
        visitDate: visit.visitDate,
        visitStart: visit.visitStart,
        residentNumber: visit.residentNumber,
        residentName: visit.residentName,
        service: serviceName(visit.pluginId, visit.programCode, visit.service),
      })),
      memos: memos.map((memo) => ({
        id: memo.id,
        body: memo.body,
        createdAt: displayTime(memo.createdAt, locale),
        authorName: memo.authorName,
        residentNumber: memo.residentNumber,
        residentName: memo.residentName,
        redemptionId: memo.redemptionId,
        visitDate: memo.visitDate,
        service: memo.service ? serviceName(memo.pluginId, memo.programCode, memo.service) : null,
      })),
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, tenant, i18n, provider } = ctx
    const form = await request.validateUsing(providerMemoValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_history.fields'),
    })
    const memos = new ProviderMemos(tenant.municipalityId, provider.id)
    const target =
      form.target === 'visit'
        ? { redemptionId: form.redemption_id! }
        : { residentNumber: form.resident_number! }
    try {
      await memos.create(target, form.body, staffActionFrom(ctx))
    } catch (error) {
      if (!(error instanceof MemoRefusal)) throw error
      if (error.code === 'unknown_visit') {
        // Only this provider's visits are offered: another id is someone else's
        await auditedNotFound(ctx, 'provider.visit_not_found', {
          redemption_id: form.redemption_id,
        })
      }
      session.flashAll()
      session.flash('inputErrorsBag', {
        [error.field]: [i18n.t(`provider_history.memos.errors.${error.code}`)],
      })
      return response.redirect().back()
    }
    session.flash('notice', i18n.t('provider_history.memos.flash.created'))
    return response.redirect(`/m/${tenant.municipality.slug}/provider/memos`)
  }

  async destroy(ctx: HttpContext) {
    const { params, response, session, tenant, i18n, provider } = ctx
    const id = Number(params.memo)
    const done = await new ProviderMemos(tenant.municipalityId, provider.id).delete(
      id,
      staffActionFrom(ctx)
    )
    if (!done) await auditedNotFound(ctx, 'provider.memo_not_found', { memo_id: id })
    session.flash('notice', i18n.t('provider_history.memos.flash.deleted'))
    return response.redirect().back()
  }
}
