/*
| Intl's formatters (and its locale lookups) take long to build in a
| browser, a few milliseconds each on a phone: each one is built once, by
| what it is for, and kept for the page's life.
*/
const kept = new Map<string, unknown>()

export function keptIntl<Built>(key: string, build: () => Built): Built {
  if (!kept.has(key)) kept.set(key, build())
  return kept.get(key) as Built
}

/** A key for a formatter of these locales and options */
export const intlKey = (kind: string, ...parts: unknown[]) => `${kind} ${JSON.stringify(parts)}`
