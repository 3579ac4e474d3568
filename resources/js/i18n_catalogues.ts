import { shallowReactive } from 'vue'

type Messages = Record<string, string>

/** The language props every page carries (app/http/inertia_middleware.ts) */
export type SharedI18n = { locale: string; locales: string[]; catalogues: Record<string, string> }

/** Catalogues fetched so far, by URL (one per language and version) */
const loaded = shallowReactive(new Map<string, Messages>())
const loading = new Map<string, Promise<void>>()

/**
 * Fetches a language's messages once (the server's URL names their version,
 * and the browser keeps the file, already asked for by the page's preload
 * link). Pages are shown only after their language's catalogue is here:
 * the app waits for it before it mounts, and the language switch before it
 * switches.
 */
export function loadCatalogue(url: string): Promise<void> {
  if (loaded.has(url)) return Promise.resolve()
  let pending = loading.get(url)
  if (!pending) {
    pending = fetch(url, { credentials: 'same-origin' })
      .then((response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`)
        return response.json() as Promise<Messages>
      })
      .then((messages) => {
        loaded.set(url, messages)
      })
      .finally(() => loading.delete(url))
    loading.set(url, pending)
  }
  return pending
}

/**
 * The messages at this URL. A page whose language came by itself (signing
 * in as someone who chose another one) may ask before they are here: they
 * are fetched then, and the page shows them when they arrive.
 */
export function catalogueAt(url: string): Messages {
  const messages = loaded.get(url)
  if (!messages) void loadCatalogue(url)
  return messages ?? {}
}

/** The catalogue URL of the language a page is shown in */
export function catalogueOfPage(props: object): string {
  const { i18n } = props as { i18n: SharedI18n }
  return i18n.catalogues[i18n.locale]
}
