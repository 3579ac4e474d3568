import { AxeBuilder } from '@axe-core/playwright'
import type { BrowserContext, Page } from 'playwright'

/** The two screen sizes every journey runs at */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
}

/** A page in a phone-sized window, its console errors and failed requests watched */
export async function onAPhone(browserContext: BrowserContext, timeoutMs = 15_000) {
  browserContext.setDefaultTimeout(timeoutMs)
  const page = await browserContext.newPage()
  await page.setViewportSize(VIEWPORTS.phone)
  return { page, problems: watchForProblems(page) }
}

/**
 * Collects what the browser itself complains about: CSP violations,
 * script errors, failed requests. Nothing is filtered out (tests run Vite
 * without hot reload, so there is no WebSocket to excuse).
 */
export function watchForProblems(page: Page) {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return problems
}

/** axe-core's serious and critical violations of WCAG 2.1 A/AA on the page as it is now */
export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  return results.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact ?? ''))
    .map((violation) => `${page.url()}: ${violation.id} (${violation.nodes.length})`)
}
