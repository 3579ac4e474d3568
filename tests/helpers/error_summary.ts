import type { Locator, Page } from 'playwright'

/** The error summary's heading (ui.error_summary.heading, Japanese) */
export const SUMMARY_HEADING = '次の点を確認してください'

/** Waits until the element has the keyboard focus */
async function hasFocus(element: Locator) {
  await element.and(element.page().locator(':focus')).waitFor()
}

/**
 * Waits until a form shows why it was refused: the message in the error
 * summary at the form's top, which has the keyboard focus. With `field`
 * (the field's label), the form shows the message beside the field too,
 * and the summary's message is a link that takes focus to that field;
 * without it, the form has no field for the message and the summary alone
 * shows it.
 */
export async function expectRefusalShown(
  form: Locator,
  message: string | RegExp,
  options: { field?: string | RegExp } = {}
) {
  const summary = form.locator('[data-error-summary]')
  await summary.getByText(message, { exact: true }).waitFor()
  await summary.getByRole('heading', { name: SUMMARY_HEADING }).waitFor()
  await hasFocus(summary)
  if (!options.field) return
  const field = form.getByLabel(options.field, { exact: true })
  await form.locator('.field__error', { hasText: message }).waitFor()
  await summary.getByRole('link', { name: message }).click()
  await hasFocus(field)
}

/**
 * Waits until the page's alert (at its top) gives the reason, for a
 * refusal after which the form it came from is no longer on the page.
 */
export async function expectPageAlert(page: Page, message: string | RegExp, gone?: Locator) {
  await page.getByRole('alert').filter({ hasText: message }).waitFor()
  await gone?.waitFor({ state: 'detached' })
}
