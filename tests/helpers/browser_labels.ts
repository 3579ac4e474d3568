/**
 * A field's label as a page shows it, with or without the required mark
 * (`*`), for `page.getByLabel(label('氏'))`: exact, so 氏 does not also
 * find 氏（カナ）.
 */
export function label(text: string) {
  return new RegExp(`^${text.replaceAll(/[()（）]/g, '\\$&')}\\s*\\*?$`)
}
