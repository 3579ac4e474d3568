import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { DEFAULT_IMPORT_LIMITS } from '#residents/resident_import_limits'

const MEGABYTE = 1024 * 1024

/**
 * The staff's CSV bulk registration for operators: the same checks, report
 * and all-or-nothing commit as the web import. Exits 1 on any error (an
 * unknown municipality or file included); with --dry-run saves nothing.
 */
export default class ResidentsImport extends BaseCommand {
  static commandName = 'residents:import'
  static description = 'Register or update residents from a CSV file (UTF-8 or Shift_JIS)'

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Path of the CSV file' })
  declare file: string

  @flags.string({ description: 'Municipality code (全国地方公共団体コード), e.g. 131032' })
  declare tenant: string

  @flags.boolean({ description: 'Check and report only; save nothing' })
  declare dryRun: boolean

  @flags.string({ description: 'Language of the report: ja (default) or en' })
  declare locale?: string

  @flags.number({
    description: `Largest file accepted, in MB (default ${DEFAULT_IMPORT_LIMITS.maxBytes / MEGABYTE})`,
  })
  declare maxMb?: number

  async run() {
    const { default: i18nManager } = await import('@adonisjs/i18n/services/main')
    const { default: Municipality } = await import('#tenancy/municipality')
    const { default: ResidentImport } = await import('#residents/resident_import')
    const { importReportText } = await import('#residents/resident_import_messages')
    const { DEFAULT_LOCALE, SUPPORTED_LOCALES } = await import('#config/i18n')
    const locale = this.locale ?? DEFAULT_LOCALE
    if (!(SUPPORTED_LOCALES as readonly string[]).includes(locale)) {
      // Said in English: the language asked for is the one we lack
      return this.#fail(i18nManager.locale('en').t('csv_import.unknown_locale', { locale }))
    }
    const i18n = i18nManager.locale(locale)

    const municipality = this.tenant ? await Municipality.findBy('code', this.tenant) : null
    if (!municipality) {
      return this.#fail(i18n.t('csv_import.unknown_tenant', { code: this.tenant ?? '' }))
    }

    const size = await stat(this.file).then(
      (file) => (file.isFile() ? file.size : null),
      () => null
    )
    if (size === null) return this.#fail(i18n.t('csv_import.file_not_found', { path: this.file }))

    const importer = new ResidentImport(
      this.maxMb ? { maxBytes: Math.floor(this.maxMb * MEGABYTE) } : {}
    )
    // Refused by its size before it is read into memory
    let report = importer.oversizeReport(size)
    if (!report) {
      const bytes = await readFile(this.file)
      report = this.dryRun
        ? await importer.preview(municipality.id, bytes)
        : await importer.commit(municipality.id, bytes, {
            actorUserId: null,
            actorRole: 'platform_operator',
            source: {
              channel: 'cli',
              userAgent: `ace residents:import (${process.env.USER ?? '?'})`,
            },
            destination: `file:${basename(this.file)}`,
          })
    }

    const text = importReportText(report, i18n, this.dryRun)
    for (const fact of text.facts) this.logger.info(fact)
    for (const problem of text.problems) this.logger.error(problem)
    if (!text.ok) return this.#fail(text.outcome)
    this.logger.success(text.outcome)
    this.exitCode = 0
  }

  #fail(message: string) {
    this.logger.error(message)
    this.exitCode = 1
  }
}
