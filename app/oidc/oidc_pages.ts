import i18nManager from '@adonisjs/i18n/services/main'

type OidcKoaContext = any

const LOCALES = ['ja', 'en'] as const

function escapeHtml(text: string) {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!
  )
}

/** The language the browser asks for first among Tomoni's (Japanese otherwise) */
function localeOf(ctx: OidcKoaContext) {
  const asked = ctx.acceptsLanguages?.(...LOCALES)
  return typeof asked === 'string' ? asked : 'ja'
}

function page(lang: string, title: string, body: string) {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;line-height:1.7;color:#1a1a1a}
main{max-width:32rem;margin:0 auto}
button{display:block;width:100%;min-height:3rem;margin-top:0.75rem;font-size:1.125rem;border-radius:0.5rem;border:2px solid #1d4ed8}
button.primary{background:#1d4ed8;color:#fff}
button.secondary{background:#fff;color:#1d4ed8}
code{font-size:0.875rem}
</style>
</head>
<body><main>${body}</main></body>
</html>`
}

/**
 * The provider's error page (oidc-provider's renderError): what went wrong
 * in the resident's language, and the protocol's error code for the
 * service's staff. Never the request's own values.
 */
export function renderOidcError(ctx: OidcKoaContext, out: { error?: string }) {
  const locale = localeOf(ctx)
  const i18n = i18nManager.locale(locale)
  const title = i18n.t('oidc.error.title')
  ctx.type = 'html'
  ctx.body = page(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p role="alert">${escapeHtml(i18n.t('oidc.error.body'))}</p>
<p><code>${escapeHtml(String(out.error ?? 'server_error'))}</code></p>`
  )
}

/**
 * The sign-out confirmation of RP-initiated logout (oidc-provider's
 * logoutSource): its form, with large buttons to sign out or stay.
 */
export function renderLogoutPage(ctx: OidcKoaContext, form: string) {
  const locale = localeOf(ctx)
  const i18n = i18nManager.locale(locale)
  const title = i18n.t('oidc.logout.title')
  const formId = /id="([^"]+)"/.exec(form)?.[1] ?? 'op.logoutForm'
  ctx.type = 'html'
  ctx.body = page(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(i18n.t('oidc.logout.body'))}</p>
${form}
<button class="primary" type="submit" form="${escapeHtml(formId)}" value="yes" name="logout">${escapeHtml(i18n.t('oidc.logout.yes'))}</button>
<button class="secondary" type="submit" form="${escapeHtml(formId)}">${escapeHtml(i18n.t('oidc.logout.no'))}</button>`
  )
}

/** After a sign-out that named no page to return to */
export function renderSignedOutPage(ctx: OidcKoaContext) {
  const locale = localeOf(ctx)
  const title = i18nManager.locale(locale).t('oidc.logout.done')
  ctx.type = 'html'
  ctx.body = page(locale, title, `<h1 role="status">${escapeHtml(title)}</h1>`)
}
