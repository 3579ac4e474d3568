import type { I18n } from '@adonisjs/i18n'
import type { DateTime } from 'luxon'
import type Child from '#residents/child'
import type Resident from '#residents/resident'
import type { FormField, LocalizedText } from '#plugin_host/define_plugin'
import { formatCalendarDate } from '#shared/calendar_date'
import { localizedText } from '#shared/localized_text'
import type { GrantPreview } from './program_applications.js'

const TIME_ZONE = 'Asia/Tokyo'

/**
 * What the application screens show, in the reader's language: dates in
 * their style (2026年12月1日), choices by their labels, names of programs
 * and windows from the plugin's manifest. Only the fields a screen needs.
 */
export default class ApplicationPresenter {
  constructor(private i18n: I18n) {}

  text(value: LocalizedText | undefined | null) {
    return localizedText(value, this.i18n.locale) ?? ''
  }

  /** A calendar date (YYYY-MM-DD) */
  date(value: string | null | undefined) {
    if (!value) return null
    return formatCalendarDate(this.i18n, value)
  }

  /** A moment, in Japan time */
  moment(value: DateTime | null | undefined) {
    if (!value) return null
    return this.i18n.formatDate(value.toJSDate(), {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: TIME_ZONE,
    })
  }

  resident(resident: Resident) {
    return {
      id: resident.id,
      residentNumber: resident.residentNumber,
      name: `${resident.familyName} ${resident.givenName}`,
      kana: `${resident.familyNameKana} ${resident.givenNameKana}`,
    }
  }

  child(child: Child | null | undefined) {
    if (!child) return null
    const name = child.givenName ?? this.i18n.t('staff_applications.child.unnamed')
    let label: string
    if (child.birthDate) {
      label = this.i18n.t('staff_applications.child.born', {
        name,
        date: this.date(child.birthDate),
      })
    } else if (child.dueDate) {
      label = this.i18n.t('staff_applications.child.due', { name, date: this.date(child.dueDate) })
    } else {
      label = this.i18n.t('staff_applications.child.no_dates', { name })
    }
    if (child.multipleBirth) label += `・${this.i18n.t('staff_applications.child.multiple')}`
    return { id: child.id, label }
  }

  status(status: string) {
    return { code: status, label: this.i18n.t(`staff_applications.statuses.${status}`) }
  }

  /** Every question of the form, in order, with the answer as people read it */
  answers(fields: FormField[], answers: Record<string, unknown>) {
    return fields.map((field) => ({
      key: field.key,
      label: this.text(field.label),
      value: this.#answer(field, answers[field.key]),
    }))
  }

  preview(preview: GrantPreview) {
    const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100
    const units = (minutes: number) => minutes / preview.unit.minutes
    return {
      definition: { version: preview.definition.version, name: this.text(preview.definition.name) },
      unitLabel: this.text(preview.unit.label),
      windows: preview.windows.map((window) => ({
        key: window.key,
        name: this.text(window.name),
        hours: hours(window.minutes),
        minimumHours: window.minimumMinutes === null ? null : hours(window.minimumMinutes),
        validFrom: this.date(window.validFrom),
        validTo: this.date(window.validTo),
      })),
      amount: preview.amount
        ? {
            minimum: units(preview.amount.minimumMinutes),
            maximum: units(preview.amount.maximumMinutes),
          }
        : null,
      tiers: preview.tiers
        ? preview.tiers.map((tier) => ({
            code: tier.code,
            name: this.text(tier.name),
            yenPerUnit: tier.yenPerUnit,
          }))
        : null,
      children: preview.children ? preview.children.map((child) => this.child(child)!) : null,
    }
  }

  #answer(field: FormField, value: unknown): string | null {
    if (value === undefined || value === null || value === '') return null
    const optionLabel = (choice: unknown) => {
      const option = field.options?.find((candidate) => candidate.value === choice)
      return option ? this.text(option.label) : String(choice)
    }
    switch (field.type) {
      case 'boolean':
        return this.i18n.t(value ? 'staff_applications.show.yes' : 'staff_applications.show.no')
      case 'choice':
        return optionLabel(value)
      case 'multi_choice':
        if (!Array.isArray(value) || value.length === 0) return null
        return this.i18n.formatList(value.map(optionLabel), { type: 'conjunction' })
      case 'date':
        return this.date(String(value))
      case 'number':
      case 'rating':
        return this.i18n.formatNumber(Number(value))
      default:
        return String(value)
    }
  }
}
