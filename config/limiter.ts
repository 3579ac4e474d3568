import { defineConfig, stores } from '@adonisjs/limiter'

/*
| Counters live in the database (SQLite or PostgreSQL), so they are shared
| by every web process and survive restarts.
*/
const limiterConfig = defineConfig({
  default: 'database',
  stores: {
    database: stores.database({ tableName: 'rate_limits' }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
