import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, destination, targets } from '@adonisjs/core/logger'
import RequestLogContext from '#http/request_log_context'
import { logMethodWithoutQueries, redactPaths, serializeError } from '#shared/log_privacy'

/*
| JSON lines (one object a line, for the log shipper), or pino-pretty for a
| developer at a terminal (LOG_PRETTY=true forces it, false turns it off).
| LOG_FILE writes the lines to that file instead of stdout.
*/
const pretty = env.get('LOG_PRETTY') ?? (app.inDev && Boolean(process.stdout.isTTY))
const logFile = env.get('LOG_FILE')

const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: 'tomoni',
      level: env.get('LOG_LEVEL'),
      timestamp: 'iso',
      /*
      | Personal data never goes to logs: names, contacts, passwords, codes,
      | cookies and tokens are redacted wherever a logged object has them,
      | and errors are logged without the values they carry.
      */
      redact: { paths: redactPaths(), censor: '[redacted]' },
      serializers: { err: serializeError },
      hooks: { logMethod: logMethodWithoutQueries },
      // Each line written while serving a request says which one (request id, tenant, user, route)
      mixin: (_object: object, _level: number, logger: { bindings(): Record<string, unknown> }) =>
        RequestLogContext.mixin(logger),
      ...(pretty
        ? { transport: { targets: targets().push(targets.pretty()).toArray() } }
        : { destination: destination({ dest: logFile ?? 1, sync: true, mkdir: true }) }),
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
