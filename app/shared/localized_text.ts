/** A text in both languages the app speaks */
export type LocalizedText = { ja: string; en: string }

/** A plugin's or a program's text (name, label, help) in the reader's language */
export function localizedText(text: LocalizedText, locale: string): string
export function localizedText(text: LocalizedText | null | undefined, locale: string): string | null
export function localizedText(text: LocalizedText | null | undefined, locale: string) {
  if (!text) return null
  return locale === 'en' ? text.en : text.ja
}
