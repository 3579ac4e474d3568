import vine from '@vinejs/vine'
import { DateTime } from 'luxon'
import type { MessagesProviderContact } from '@vinejs/vine/types'
import type { FormField } from '#plugin_host/define_plugin'
import { localizedText } from '#shared/localized_text'

const DEFAULT_TEXT_LENGTH = { text: 200, textarea: 2000 }

/**
 * Builds the VineJS validator for a form a plugin declares (application
 * form, survey): the core validates residents' answers, the plugin only
 * says what to ask. Unknown keys are dropped.
 */
/** A declared question as a resident's form shows it, in their language */
export type ClientFormField = {
  key: string
  type: FormField['type']
  label: string
  help: string | null
  required: boolean
  options: { value: string; label: string }[]
  maxLength: number | null
  min: number | null
  max: number | null
}

export default class PluginForm {
  /** The questions for the page that asks them (resources/js/components/plugin_form_fields.vue) */
  static forClient(fields: FormField[], locale: string): ClientFormField[] {
    return fields.map((field) => ({
      key: field.key,
      type: field.type,
      label: localizedText(field.label, locale),
      help: localizedText(field.help, locale),
      required: field.required,
      options: (field.options ?? []).map((option) => ({
        value: option.value,
        label: localizedText(option.label, locale),
      })),
      maxLength:
        field.maxLength ??
        (field.type === 'text' || field.type === 'textarea'
          ? DEFAULT_TEXT_LENGTH[field.type]
          : null),
      min: field.min ?? (field.type === 'rating' ? 1 : null),
      max: field.max ?? (field.type === 'rating' ? 5 : null),
    }))
  }

  /**
   * A resident's answers checked against the declared questions, ready to
   * store as JSON: unknown keys dropped, blank optional answers left out
   * (a form sends "" for a number or a choice nobody picked), dates as
   * YYYY-MM-DD. Throws VineJS's validation error.
   */
  static async answersFrom(
    fields: FormField[],
    sent: unknown,
    messagesProvider?: MessagesProviderContact
  ): Promise<Record<string, unknown>> {
    const input = this.#withoutBlanks(fields, sent)
    const validator = this.validatorFor(fields)
    const validated = (
      messagesProvider
        ? await validator.validate(input, { messagesProvider })
        : await validator.validate(input)
    ) as Record<string, unknown>
    const answers: Record<string, unknown> = {}
    for (const field of fields) {
      const value = validated[field.key]
      if (value === undefined || value === null) continue
      answers[field.key] =
        field.type === 'date' && value instanceof Date
          ? DateTime.fromJSDate(value).toISODate()
          : value
    }
    return answers
  }

  static #withoutBlanks(fields: FormField[], sent: unknown) {
    const source = sent && typeof sent === 'object' ? (sent as Record<string, unknown>) : {}
    const input: Record<string, unknown> = {}
    for (const field of fields) {
      const value = source[field.key]
      const blank = value === undefined || value === null || value === ''
      if (blank && !field.required) continue
      input[field.key] = value
    }
    return input
  }

  static validatorFor(fields: FormField[]) {
    const properties = Object.fromEntries(
      fields.map((field) => {
        const schema = this.#schemaFor(field)
        return [field.key, field.required ? schema : schema.optional()]
      })
    )
    return vine.compile(vine.object(properties))
  }

  static #schemaFor(field: FormField) {
    const values = (field.options ?? []).map((option) => option.value)
    switch (field.type) {
      case 'text':
      case 'textarea':
        return vine
          .string()
          .trim()
          .minLength(field.required ? 1 : 0)
          .maxLength(field.maxLength ?? DEFAULT_TEXT_LENGTH[field.type])
      case 'date':
        return vine.date({ formats: ['YYYY-MM-DD'] })
      case 'number': {
        const number = vine.number()
        if (field.min !== undefined) number.min(field.min)
        if (field.max !== undefined) number.max(field.max)
        return number
      }
      case 'rating':
        return vine
          .number()
          .withoutDecimals()
          .range([field.min ?? 1, field.max ?? 5])
      case 'boolean':
        return vine.boolean()
      case 'choice':
        return vine.enum(values)
      case 'multi_choice':
        return vine
          .array(vine.enum(values))
          .distinct()
          .minLength(field.required ? 1 : 0)
    }
  }
}
