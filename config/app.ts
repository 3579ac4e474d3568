import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

export const appKey = env.get('APP_KEY')
/**
 * The links in mails. Always set for the web server; an ace command that
 * sends mail refuses to start without it (start/env.ts).
 */
export const appUrl = env.get('APP_URL') ?? ''

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  useAsyncLocalStorage: false,
  /*
  | Only the proxies in front of us (TRUSTED_PROXIES, default loopback) are
  | trusted to set X-Forwarded-For: request.ip() (the sign-in throttle's
  | key, the audit trail's address) is the client's, never a forged one.
  */
  trustProxy: proxyAddr.compile(env.get('TRUSTED_PROXIES')),
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
