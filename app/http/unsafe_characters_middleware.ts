import { errors as vineErrors } from '@vinejs/vine'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

const NUL = '\u0000'

/** UTF-16 surrogates without their other half */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** NUL and lone surrogates: the characters refused here */
function isSafe(text: string) {
  return !text.includes(NUL) && text.isWellFormed()
}

function withoutUnsafe(text: string) {
  return text.replaceAll(NUL, '').replace(LONE_SURROGATE, '')
}

type Found = { field: string }

/**
 * Text with a NUL character (PostgreSQL refuses it: "invalid byte
 * sequence") or a lone surrogate (no valid UTF-8; validators that call
 * encodeURI, like VineJS's email rule, throw "URI malformed") is refused
 * for every route here, before any route's own code: in any string or key
 * of the body or the query, however deep. The answer is a validation error
 * under each field that had one (a 422 for JSON clients, the form again
 * with the message for pages); the input given back to the form has the
 * characters removed, so nothing unsafe reaches the session either.
 */
export default class UnsafeCharactersMiddleware {
  async handle({ request, i18n }: HttpContext, next: NextFn) {
    const found: Found[] = []
    const body = clean(request.body(), '', found)
    const query = clean(request.qs(), '', found)
    if (found.length === 0) return next()

    request.updateBody(body as Record<string, unknown>)
    request.updateQs(query as Record<string, unknown>)
    const message = i18n.t('validator.shared.messages.unsafe_characters')
    throw new vineErrors.E_VALIDATION_ERROR(
      [...new Set(found.map(({ field }) => field))].map((field) => ({
        field,
        message,
        rule: 'unsafe_characters',
      }))
    )
  }
}

/** A copy without unsafe characters; records where they were */
function clean(value: unknown, path: string, found: Found[]): unknown {
  if (typeof value === 'string') {
    if (isSafe(value)) return value
    found.push({ field: path })
    return withoutUnsafe(value)
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => clean(item, join(path, String(index)), found))
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const safeKey = clean(key, join(path, withoutUnsafe(key)), found) as string
        return [safeKey, clean(item, join(path, safeKey), found)]
      })
    )
  }
  return value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function join(path: string, key: string) {
  return path ? `${path}.${key}` : key
}
