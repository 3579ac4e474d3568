import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

/*
| Sessions live server-side (database) so that logout and account disable
| take effect at once. Expired rows are pruned by PruneExpiredSessionsJob
| on the queue, not by chance on requests.
*/
const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'tomoni-session',
  clearWithBrowser: true,
  age: '2h',
  cookie: {
    path: '/',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
  store: env.get('SESSION_DRIVER'),
  stores: {
    database: stores.database({ tableName: 'sessions', gcProbability: 0 }),
  },
})

export default sessionConfig
