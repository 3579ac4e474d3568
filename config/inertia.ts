import { defineConfig } from '@adonisjs/inertia'

const inertiaConfig = defineConfig({
  rootView: 'inertia_layout',
  encryptHistory: true,
  ssr: {
    enabled: false,
    entrypoint: 'resources/js/ssr.ts',
  },
})

export default inertiaConfig
