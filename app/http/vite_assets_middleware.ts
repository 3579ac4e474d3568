import { resolve } from 'node:path'
import { inject } from '@adonisjs/core'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Vite } from '@adonisjs/vite'
import ViteMiddleware from '@adonisjs/vite/vite_middleware'

type ViteConfig = Parameters<typeof import('vite').isFileLoadingAllowed>[0]

/** Vite's own check, loaded only when a dev server runs (it is a dev dependency) */
let isFileLoadingAllowed: typeof import('vite').isFileLoadingAllowed | undefined

/**
 * The Vite dev server (`npm start`, `npm run dev`, tests) is handed only
 * requests for its own modules (`/@vite/…`, `/@id/…`) and for files it may
 * serve (server.fs.allow in vite.config.ts: the front end's sources and
 * packages). Every other URL — the database and files under tmp/, the
 * server's code, package.json, .env — goes on to the router, whose answer
 * is the app's 404, in development and production mode alike. Without a dev
 * server (the production build) it does nothing.
 */
@inject()
export default class ViteAssetsMiddleware {
  constructor(
    private vite: Vite,
    private viteMiddleware: ViteMiddleware
  ) {}

  async handle(ctx: HttpContext, next: NextFn) {
    const devServer = this.vite.getDevServer()
    if (!devServer) return next()
    if (!(await this.#forVite(ctx.request.url(), devServer.config))) return next()
    return this.viteMiddleware.handle(ctx, next)
  }

  async #forVite(url: string, config: ViteConfig) {
    let path: string
    try {
      path = decodeURIComponent(url)
    } catch {
      return false
    }
    if (path.startsWith('/@vite/') || path.startsWith('/@id/')) return true
    const file = path.startsWith('/@fs/')
      ? resolve(path.slice(4))
      : app.makePath(resolve('/', path).slice(1))
    if (!isFileLoadingAllowed) {
      const vite = await import('vite')
      isFileLoadingAllowed = vite.isFileLoadingAllowed
    }
    return isFileLoadingAllowed(config, file)
  }
}
