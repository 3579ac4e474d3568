import QRCode from 'qrcode'
import { appUrl } from '#config/app'

/**
 * The address a provider's visit QR encodes: the resident's confirm page
 * of the visit in the municipality, with the token. A phone's own camera
 * app opens it too; the in-app scanner reads it with parseVisitLink.
 */
export function visitLink(slug: string, token: string) {
  return `${appUrl}/m/${encodeURIComponent(slug)}/my/visit?token=${encodeURIComponent(token)}`
}

/** The visit link as a QR image (SVG, as a data: URL) */
export async function visitQrImage(slug: string, token: string) {
  const svg = await QRCode.toString(visitLink(slug, token), {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  })
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}

/** Visit tokens are 256 random bits in base64url (43 characters) */
const TOKEN = /^[\w-]{20,100}$/
const VISIT_PATH = /^\/m\/([a-z0-9-]+)\/my\/visit$/

/**
 * What a scanned text says, if it is a visit link of this app (the same
 * origin as `origin`): the municipality and the token; anything else is
 * null. resources/js/pages/visits/resident/scan.vue mirrors this check.
 */
export function parseVisitLink(text: string, origin: string = appUrl) {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return null
  }
  if (url.origin !== new URL(origin).origin) return null
  const path = VISIT_PATH.exec(url.pathname)
  const token = url.searchParams.get('token')
  if (!path || !token || !TOKEN.test(token)) return null
  return { slug: path[1], token }
}
