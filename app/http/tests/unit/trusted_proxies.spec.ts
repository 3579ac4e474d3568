import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { test } from '@japa/runner'
import { RequestFactory } from '@adonisjs/core/factories/http'
import proxyAddr from 'proxy-addr'
import { http } from '#config/app'
import { trustedProxies } from '#start/env'

/** A request that came from `from` over TCP, saying it was forwarded for `forwardedFor` */
function requestFrom(from: string, forwardedFor: string) {
  const socket = new Socket()
  Object.defineProperty(socket, 'remoteAddress', { value: from })
  const req = new IncomingMessage(socket)
  req.headers['x-forwarded-for'] = forwardedFor
  return req
}

function clientAddress(
  trustProxy: (address: string, distance: number) => boolean,
  req: IncomingMessage
) {
  return new RequestFactory().merge({ req, config: { trustProxy } }).create().ip()
}

test.group('Trusted proxies (TRUSTED_PROXIES)', () => {
  test('unset: a forged X-Forwarded-For from a client on the internet is ignored', ({ assert }) => {
    const forged = requestFrom('203.0.113.9', '198.51.100.1')
    assert.equal(clientAddress(http.trustProxy, forged), '203.0.113.9')
  })

  test('unset: a reverse proxy on this host (loopback) is believed', ({ assert }) => {
    const forwarded = requestFrom('127.0.0.1', '198.51.100.1')
    assert.equal(clientAddress(http.trustProxy, forwarded), '198.51.100.1')
  })

  test('set to the load balancer: its X-Forwarded-For is the client; others still ignored', ({
    assert,
  }) => {
    const trustProxy = proxyAddr.compile(
      trustedProxies('TRUSTED_PROXIES', '10.0.0.0/8, 203.0.113.9')
    )
    assert.equal(
      clientAddress(trustProxy, requestFrom('203.0.113.9', '198.51.100.1')),
      '198.51.100.1'
    )
    assert.equal(clientAddress(trustProxy, requestFrom('10.1.2.3', '198.51.100.7')), '198.51.100.7')
    assert.equal(clientAddress(trustProxy, requestFrom('192.0.2.5', '198.51.100.1')), '192.0.2.5')
    // loopback is no longer trusted unless listed
    assert.equal(clientAddress(trustProxy, requestFrom('127.0.0.1', '198.51.100.1')), '127.0.0.1')
  })

  test('a mistyped list stops the process with the variable named', ({ assert }) => {
    assert.throws(
      () => trustedProxies('TRUSTED_PROXIES', '10.0.0.0/8,not-an-address'),
      /Invalid environment variable "TRUSTED_PROXIES"/
    )
  })
})
