import vine from '@vinejs/vine'
import type { FormField } from '#plugin_host/define_plugin'

const DEFAULT_TEXT_LENGTH = { text: 200, textarea: 2000 }

/**
 * Builds the VineJS validator for a form a plugin declares (application
 * form, survey): the core validates residents' answers, the plugin only
 * says what to ask. Unknown keys are dropped.
 */
export default class PluginForm {
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
