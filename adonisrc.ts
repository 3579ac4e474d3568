import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  experimental: {},

  /*
  | The app's ace commands sit in their modules (`*_command.ts`) and are
  | listed in start/commands.ts: Ace's folder loader reads one folder only.
  */
  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
    () => import('@adonisjs/inertia/commands'),
    () => import('#start/commands'),
  ],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/vite/vite_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/inertia/inertia_provider'),
    () => import('@adonisjs/i18n/i18n_provider'),
    () => import('@adonisjs/bouncer/bouncer_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@adonisjs/mail/mail_provider'),
    // Backup copies in S3-compatible storage (config/drive.ts)
    () => import('@adonisjs/drive/drive_provider'),
    () => import('#queue/queue_provider'),
    () => import('#plugin_host/plugin_provider'),
    () => import('#alerts/alerts_provider'),
  ],

  preloads: [
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/events'),
    () => import('#start/policies'),
    () => import('#start/sign_in'),
    // mail.sendLater through our queue (BullMQ with Redis): without it the
    // mail package's in-memory default sent every mail from the web process
    () => import('#start/mail'),
  ],

  /*
  | Suites pick up core tests and every plugin's tests. Patterns use
  | `**` + braces: Node's fs.glob does not understand `(.ts|.js)`.
  */
  tests: {
    suites: [
      {
        name: 'unit',
        files: [
          'app/*/tests/unit/**/*.spec.{ts,js}',
          'database/tests/unit/**/*.spec.{ts,js}',
          'plugins/*/tests/unit/**/*.spec.{ts,js}',
          'bin/tests/unit/**/*.spec.{ts,js}',
        ],
        timeout: 10_000,
      },
      {
        name: 'functional',
        files: [
          'app/*/tests/functional/**/*.spec.{ts,js}',
          'plugins/*/tests/functional/**/*.spec.{ts,js}',
        ],
        timeout: 30_000,
      },
      {
        name: 'browser',
        files: [
          'app/*/tests/browser/**/*.spec.{ts,js}',
          'plugins/*/tests/browser/**/*.spec.{ts,js}',
        ],
        timeout: 60_000,
      },
    ],
    forceExit: true,
  },

  metaFiles: [
    { pattern: 'resources/views/**/*.edge', reloadServer: false },
    { pattern: 'resources/lang/**/*.{json,yaml,yml}', reloadServer: true },
    { pattern: 'plugins/*/lang/**/*.{json,yaml,yml}', reloadServer: true },
    { pattern: 'public/**', reloadServer: false },
  ],

  hooks: {
    buildStarting: [() => import('@adonisjs/vite/build_hook')],
    buildFinished: [() => import('./bin/production_package_hook.js')],
  },
})
