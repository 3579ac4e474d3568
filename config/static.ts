import { sep } from 'node:path'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/static'

/** Vite's build output: every file name carries a hash of its content */
const builtAssets = app.publicPath('assets') + sep

const staticServerConfig = defineConfig({
  enabled: true,
  etag: true,
  lastModified: true,
  dotFiles: 'ignore',
  // A hashed file never changes under its name: browsers keep it for a year
  // and do not even revalidate it. Other public files are revalidated.
  headers: (path) =>
    path.startsWith(builtAssets)
      ? { 'Cache-Control': 'public, max-age=31536000, immutable' }
      : { 'Cache-Control': 'public, max-age=0' },
})

export default staticServerConfig
