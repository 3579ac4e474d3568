import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/session'
import { databaseSessionStore } from '#identity/database_session_store'

/*
| Sessions live server-side (database) so that logout and account disable
| take effect at once. Expired rows are pruned by PruneExpiredSessionsJob
| on the queue, not by chance on requests. A request that changes nothing
| in its session writes nothing: its expiry is renewed at most every five
| minutes (app/identity/database_session_store.ts).
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
    database: databaseSessionStore({ tableName: 'sessions', renewAfter: '5m' }),
  },
})

export default sessionConfig
