import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Browser features no page uses are off; the camera is kept for the app
 * itself (residents scan a visit QR at /scan).
 */
export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'hid=()',
  'midi=()',
  'magnetometer=()',
  'gyroscope=()',
  'accelerometer=()',
  'display-capture=()',
  'browsing-topics=()',
].join(', ')

/**
 * Privacy headers on every response: other sites learn at most our origin
 * (never a page's path or query, which can hold a resident ID or a token),
 * and the Permissions-Policy above. Every response of the app itself
 * (pages, JSON, CSV downloads, errors) is `Cache-Control: no-store`, so no
 * browser or proxy keeps what a signed-in person saw; the front end's
 * assets (public/, Vite) keep their own caching, and so does a response
 * that sets its own (the message catalogues, which hold nobody's data).
 */
export default class PrivacyHeadersMiddleware {
  async handle({ response }: HttpContext, next: NextFn) {
    response.header('Referrer-Policy', 'strict-origin-when-cross-origin')
    response.header('Permissions-Policy', PERMISSIONS_POLICY)
    await next()
    // Assets were sent by the static or Vite middleware already
    if (!response.response.headersSent && !response.getHeader('Cache-Control')) {
      response.header('Cache-Control', 'no-store')
    }
  }
}
