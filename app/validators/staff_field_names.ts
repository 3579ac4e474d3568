import type { HttpContext } from '@adonisjs/core/http'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'

/**
 * The shared translated validation messages (validator.shared.messages),
 * with what a screen's own namespace says first: a message for one field
 * and rule (<namespace>.messages.<field>.<rule>), and field names
 * (<namespace>.fields.<field>), before validator.shared.fields.
 */
class ScreenMessages implements MessagesProviderContact {
  constructor(
    private ctx: HttpContext,
    private namespace: string,
    private shared: MessagesProviderContact
  ) {}

  getMessage(message: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
    const { i18n } = this.ctx
    const own = `${this.namespace}.messages.${field.wildCardPath}.${rule}`
    if (i18n.hasMessage(own)) return i18n.t(own, meta ?? {})
    const nameKey = `${this.namespace}.fields.${String(field.name)}`
    const named = i18n.hasMessage(nameKey) ? { ...field, name: i18n.t(nameKey) } : field
    return this.shared.getMessage(message, rule, named, meta)
  }
}

/**
 * `fieldsPrefix` is where the screen keeps its field names, e.g.
 * "staff_providers.fields"; field-and-rule messages sit beside it
 * ("staff_providers.messages").
 */
export function staffFieldNames(ctx: HttpContext, fieldsPrefix: string): MessagesProviderContact {
  const namespace = fieldsPrefix.replace(/\.fields$/, '')
  return new ScreenMessages(ctx, namespace, ctx.i18n.createMessagesProvider())
}
