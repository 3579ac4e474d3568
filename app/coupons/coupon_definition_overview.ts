import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import CouponDefinitions from '#ledger/coupon_definitions'
import ProviderRegistry from '#providers/provider_registry'
import type {
  CouponDefinition,
  DateRule,
  LocalizedText,
  ProgramManifest,
} from '#plugin_host/define_plugin'
import { localizedText } from '#shared/localized_text'

export type WindowView = {
  key: string
  name: string
  from: string
  to: string
  hours: number
  minimumHours: number | null
  services: string[]
  subCaps: { service: string; hours: number }[]
  births: 'single' | 'multiple' | null
}

export type DefinitionView = {
  version: string
  name: string
  effectiveFrom: string
  per: 'child' | 'birth' | 'resident'
  isDefault: boolean
  lots: number
  windows: WindowView[]
  serviceUntil: { service: string; until: string }[]
}

export type ProgramDefinitions = {
  pluginId: string
  programCode: string
  programName: string
  unit: string
  defaultVersion: string
  definitions: DefinitionView[]
}

/**
 * What the coupon-definition screen shows: for each program the
 * municipality uses, every definition version in words and hours, which
 * one new grants use here, and how many lots were issued under each.
 */
export default class CouponDefinitionOverview {
  constructor(private i18n: I18n) {}

  async programs(municipalityId: number): Promise<ProgramDefinitions[]> {
    const programs = await ProviderRegistry.contractablePrograms(municipalityId)
    const counts = await db
      .from('ledger_lots')
      .where('municipality_id', municipalityId)
      .groupBy('plugin_id', 'program_code', 'definition_version')
      .select('plugin_id', 'program_code', 'definition_version')
      .count('* as lots')
    const lotsOf = (pluginId: string, programCode: string, version: string) =>
      Number(
        counts.find(
          (row) =>
            row.plugin_id === pluginId &&
            row.program_code === programCode &&
            row.definition_version === version
        )?.lots ?? 0
      )

    const result: ProgramDefinitions[] = []
    for (const { plugin, program } of programs) {
      const ref = { pluginId: plugin.id, programCode: program.code }
      const defaultVersion = await CouponDefinitions.defaultVersion(municipalityId, ref)
      result.push({
        ...ref,
        programName: this.#text(program.name),
        unit: this.#text(program.unit.label),
        defaultVersion,
        definitions: [...program.definitions]
          .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))
          .map((definition) =>
            this.definition(
              program,
              definition,
              definition.version === defaultVersion,
              lotsOf(plugin.id, program.code, definition.version)
            )
          ),
      })
    }
    return result
  }

  definition(
    program: ProgramManifest,
    definition: CouponDefinition,
    isDefault: boolean,
    lots: number
  ): DefinitionView {
    const serviceName = (code: string) =>
      this.#text(
        program.services.find((service) => service.code === code)?.name ?? { ja: code, en: code }
      )
    return {
      version: definition.version,
      name: this.#text(definition.name),
      effectiveFrom: definition.effectiveFrom,
      per: definition.per,
      isDefault,
      lots,
      windows: definition.windows.map((window) => ({
        key: window.key,
        name: this.#text(window.name),
        from: this.dateRule(window.from),
        to: this.dateRule(window.to),
        hours: hours(window.totalMinutes),
        minimumHours: window.minimumMinutes ? hours(window.minimumMinutes) : null,
        services: (window.services ?? program.services.map((service) => service.code)).map(
          serviceName
        ),
        subCaps: Object.entries(window.serviceMinutes ?? {}).map(([service, minutes]) => ({
          service: serviceName(service),
          hours: hours(minutes),
        })),
        births: window.births ?? null,
      })),
      serviceUntil: Object.entries(definition.serviceUntil ?? {}).map(([service, rule]) => ({
        service: serviceName(service),
        until: this.dateRule(rule),
      })),
    }
  }

  /** A date rule in words, e.g. 出生日の12か月後の1日前 / 1 day before 12 months after birth */
  dateRule(rule: DateRule) {
    const t = (key: string, values?: Record<string, unknown>) =>
      this.i18n.t(`staff_definitions.date_rule.${key}`, values)
    const anchor = t(`anchors.${rule.anchor}`)
    const offsets: string[] = []
    if (rule.months) {
      offsets.push(
        t(rule.months > 0 ? 'months_after' : 'months_before', {
          count: Math.abs(rule.months),
        })
      )
    }
    if (rule.days) {
      offsets.push(t(rule.days > 0 ? 'days_after' : 'days_before', { count: Math.abs(rule.days) }))
    }
    if (offsets.length === 0) return anchor
    return this.i18n.locale === 'en'
      ? [...offsets.reverse(), anchor].join(' ')
      : [anchor, ...offsets].join('の')
  }

  #text(text: LocalizedText) {
    return localizedText(text, this.i18n.locale)
  }
}

function hours(minutes: number) {
  return Math.round((minutes / 60) * 100) / 100
}
