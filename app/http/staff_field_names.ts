import type { HttpContext } from '@adonisjs/core/http'
import type { I18n } from '@adonisjs/i18n'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'

/**
 * The validation messages of a staff console screen, the same way for
 * every screen. A screen's namespace speaks first, then the shared
 * translated messages (validator.shared):
 *
 * - field names: <namespace>.fields.<field>, then validator.shared.fields;
 * - a message for one field and rule: <namespace>.messages.<field>.<rule>;
 * - a message for a rule on any field of the screen (e.g. the resident
 *   rules' codes): <namespace>.validation.<rule>;
 * - then validator.shared.messages (per field and rule, per rule).
 */
class ScreenMessages implements MessagesProviderContact {
  #shared: ReturnType<I18n['createMessagesProvider']>

  constructor(
    private i18n: I18n,
    private namespace: string
  ) {
    this.#shared = i18n.createMessagesProvider()
  }

  getMessage(message: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
    const own = this.i18n.resolveIdentifier(`${this.namespace}.fields.${String(field.name)}`)
    const named = own ? { ...field, name: this.i18n.formatRawMessage(own.message) } : field
    for (const key of [
      `${this.namespace}.messages.${field.wildCardPath}.${rule}`,
      `${this.namespace}.validation.${rule}`,
    ]) {
      const found = this.i18n.resolveIdentifier(key)
      if (found) {
        return this.i18n.formatRawMessage(found.message, {
          ...meta,
          field: this.#shared.translateField(named.name),
        })
      }
    }
    return this.#shared.getMessage(message, rule, named, meta)
  }
}

/**
 * The messages provider of a staff screen's forms. `fieldsPrefix` is where
 * the screen keeps its field names, e.g. "staff_providers.fields"; its
 * other messages sit beside it (see ScreenMessages).
 */
export function staffFieldNames(ctx: HttpContext, fieldsPrefix: string): MessagesProviderContact {
  return new ScreenMessages(ctx.i18n, fieldsPrefix.replace(/\.fields$/, ''))
}
