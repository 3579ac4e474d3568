import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import adonisjs from '@adonisjs/vite/client'

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
      '~/': `${import.meta.dirname}/resources/js/`,
    },
  },
  server: {
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
