import type { Page } from 'playwright'

/** The sizes a phone page must read at: the narrowest phone, a common one, and 200 % text */
export const REFLOW_SIZES = [
  { name: '320 px', viewport: { width: 320, height: 640 }, text: '100%' },
  { name: '390 px', viewport: { width: 390, height: 844 }, text: '100%' },
  { name: '390 px at 200 % text', viewport: { width: 390, height: 844 }, text: '200%' },
] as const

/**
 * What keeps a page from reflowing (WCAG 1.4.4, 1.4.10), as seen in the
 * browser (run in the page, so written as its source text: the tests'
 * TypeScript has no DOM types):
 * - the page scrolls sideways;
 * - a line of text sticks out of its box (left or right);
 * - a word or number broken over lines ("125" as 1 / 2 / 5), or a text
 *   squeezed to one or two characters a line (「時」「間」 on lines of their own).
 * Text hidden on purpose (visually hidden for screen readers, clipped) is
 * passed over. Each problem is a line naming the element and its text.
 */
const FIND_REFLOW_PROBLEMS = `(() => {
  const problems = []
  const root = document.documentElement
  const describe = (element, text) => {
    const name = element.tagName.toLowerCase() + (element.className && typeof element.className === 'string'
      ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
    return name + ' "' + text.replace(/\\s+/g, ' ').trim().slice(0, 40) + '"'
  }
  if (root.scrollWidth > root.clientWidth) {
    // Named by the innermost elements that reach past the right edge
    const wide = [...document.body.querySelectorAll('*')].filter(
      (element) => element.getBoundingClientRect().right > root.clientWidth + 1
    )
    const innermost = wide.filter((element) => !wide.some((other) => other !== element && element.contains(other)))
    problems.push('the page scrolls sideways: ' + root.scrollWidth + ' px in ' + root.clientWidth + ' px, by '
      + innermost.slice(0, 3).map((element) => describe(element, element.textContent)).join(', '))
  }
  const hiddenOnPurpose = (element) => {
    for (let at = element; at; at = at.parentElement) {
      const style = getComputedStyle(at)
      if (style.visibility === 'hidden' || style.clip !== 'auto' || style.clipPath !== 'none') return true
    }
    return false
  }
  // The box a text is laid out in: its nearest ancestor that is not inline
  const boxOf = (element) => {
    let at = element
    while (at.parentElement && ['inline', 'contents'].includes(getComputedStyle(at).display)) {
      at = at.parentElement
    }
    return at
  }
  // Client rects of a range, grouped into lines
  const linesOf = (range) => {
    const lines = []
    for (const rect of range.getClientRects()) {
      if (rect.width < 0.5 || rect.height < 0.5) continue
      const middle = rect.top + rect.height / 2
      const line = lines.find((l) => Math.abs(l.middle - middle) < rect.height / 2)
      if (line) {
        line.left = Math.min(line.left, rect.left)
        line.right = Math.max(line.right, rect.right)
      } else lines.push({ middle, left: rect.left, right: rect.right })
    }
    return lines
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent
    const element = node.parentElement
    if (!element || !text.trim() || ['SCRIPT', 'STYLE', 'OPTION', 'TEMPLATE'].includes(element.tagName)) continue
    const range = document.createRange()
    range.selectNodeContents(node)
    const lines = linesOf(range)
    if (lines.length === 0 || hiddenOnPurpose(element)) continue

    // Measured without spaces: a space at the end of a line may hang past the edge
    const box = boxOf(element).getBoundingClientRect()
    const outside = [...text.matchAll(/\\S+/g)].some((run) => {
      const runRange = document.createRange()
      runRange.setStart(node, run.index)
      runRange.setEnd(node, run.index + run[0].length)
      return linesOf(runRange).some((line) => line.right > box.right + 1 || line.left < box.left - 1)
    })
    if (outside) problems.push('text sticks out of its box: ' + describe(element, text))

    const characters = [...text.replace(/\\s/g, '')].length
    if (lines.length >= 3 && characters / lines.length <= 2) {
      problems.push('one or two characters a line: ' + describe(element, text))
      continue
    }
    // Words and numbers in Latin script keep together (2 to 24 letters or digits)
    for (const word of text.matchAll(/[A-Za-z0-9]{2,24}/g)) {
      const wordRange = document.createRange()
      wordRange.setStart(node, word.index)
      wordRange.setEnd(node, word.index + word[0].length)
      if (linesOf(wordRange).length > 1) {
        problems.push('"' + word[0] + '" broken over lines: ' + describe(element, text))
      }
    }
  }
  return problems
})()`

/**
 * The page at a reflow size: the viewport set and, for 200 % text, the
 * root font size doubled as a reader's text setting would (headless
 * Chromium has no browser zoom). Call after each page load.
 */
export async function useTextSize(page: Page, text: string) {
  await page.evaluate(`document.documentElement.style.fontSize = ${JSON.stringify(text)}`)
  // Two frames: the new size laid out before anything is measured
  await page.evaluate(
    'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))'
  )
}

/** What keeps the page as it is now from reflowing (empty when it reads well) */
export async function reflowProblems(page: Page) {
  const problems = await page.evaluate<string[]>(FIND_REFLOW_PROBLEMS)
  const path = new URL(page.url()).pathname
  return problems.map((problem) => `${path}: ${problem}`)
}
