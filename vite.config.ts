import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import adonisjs from '@adonisjs/vite/client'
import { readdirSync } from 'node:fs'

const root = import.meta.dirname

/*
| What the dev server may read and serve: the front end's sources (core
| pages and each plugin's ui/ folder) and the packages they import; never
| the database, CSV files and outbox under tmp/, the server's code or the
| project's settings. ViteAssetsMiddleware (app/http) hands Vite only
| requests for these files, so anything else gets the app's own 404.
*/
const frontEndFolders = [
  `${root}/resources/js`,
  `${root}/resources/css`,
  ...readdirSync(`${root}/plugins`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${root}/plugins/${entry.name}/ui`),
  `${root}/node_modules`,
]

export default defineConfig({
  plugins: [
    vue(),
    adonisjs({
      entryPoints: ['resources/js/app.ts'],
      reload: ['resources/views/**/*.edge'],
    }),
  ],
  resolve: {
    alias: {
      '~/': `${root}/resources/js/`,
    },
  },
  server: {
    fs: {
      strict: true,
      allow: frontEndFolders,
      // The project's own tmp/ only: a checkout may itself sit under /tmp
      deny: ['.env', '.env.*', '*.{crt,pem,key}', '**/.git/**', `${root}/tmp/**`, '*.sqlite3*'],
    },
    watch: { ignored: ['**/tmp/**', '**/build/**'] },
    // Tests need no hot reload: without its WebSocket, test servers running
    // side by side (or beside `npm start`) do not fight over its port.
    // bin/test.ts sets TOMONI_TEST_SERVER (Vite may reset NODE_ENV from .env).
    ...(process.env.TOMONI_TEST_SERVER ? { hmr: false, ws: false as const } : {}),
  },
  /*
  | `node ace build` builds client and SSR environments into one folder and
  | the second overwrites the manifest: build the client only (no SSR).
  */
  builder: {
    async buildApp(builder) {
      await builder.build(builder.environments.client)
    },
  },
})
