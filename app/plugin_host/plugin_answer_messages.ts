import type { I18n } from '@adonisjs/i18n'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'
import type { FormField } from '#plugin_host/define_plugin'
import { localizedText } from '#shared/localized_text'

const CHOICES = new Set<FormField['type']>(['choice', 'multi_choice', 'boolean', 'rating'])

/**
 * Validation messages for a plugin's form as a resident fills it in: each
 * question named by its label in the reader's language, choices asked to
 * be picked rather than typed (<namespace>.validation.choice.<rule>,
 * then <namespace>.validation.<rule>), then the shared messages.
 */
export class ResidentAnswerMessages implements MessagesProviderContact {
  #shared: ReturnType<I18n['createMessagesProvider']>
  #fields: Map<string, FormField>

  constructor(
    private i18n: I18n,
    fields: FormField[],
    private namespace = 'resident_applications'
  ) {
    this.#shared = i18n.createMessagesProvider()
    this.#fields = new Map(fields.map((field) => [field.key, field]))
  }

  getMessage(message: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
    // An array's items (multi_choice) belong to the question they answer.
    const key = String(field.wildCardPath).split('.')[0]
    const declared = this.#fields.get(key)
    const name = declared ? localizedText(declared.label, this.i18n.locale) : String(field.name)
    const candidates = [
      ...(declared && CHOICES.has(declared.type)
        ? [`${this.namespace}.validation.choice.${rule}`]
        : []),
      `${this.namespace}.validation.${rule}`,
    ]
    for (const candidate of candidates) {
      const found = this.i18n.resolveIdentifier(candidate)
      if (found) return this.i18n.formatRawMessage(found.message, { ...meta, field: name })
    }
    return this.#shared.getMessage(message, rule, { ...field, name }, meta)
  }
}
