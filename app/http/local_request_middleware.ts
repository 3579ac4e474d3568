import { BlockList, isIPv4 } from 'node:net'
import { errors as httpErrors } from '@adonisjs/core/http'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/**
 * For a developer's tools (the dev outbox): only a browser on this machine
 * gets through; anyone else, including someone forwarded by a proxy on this
 * machine (X-Forwarded-For is trusted from loopback only, config/app.ts),
 * gets the same 404 as for a page that does not exist.
 */
export default class LocalRequestMiddleware {
  async handle({ request }: HttpContext, next: NextFn) {
    if (!isLoopback(request.ip())) {
      throw new httpErrors.E_ROUTE_NOT_FOUND([request.method(), request.url()])
    }
    return next()
  }
}

function isLoopback(address: string) {
  const ipv4 = address.replace(/^::ffff:/i, '')
  if (isIPv4(ipv4)) return loopback.check(ipv4, 'ipv4')
  return loopback.check(address, 'ipv6')
}
