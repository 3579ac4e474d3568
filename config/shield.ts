import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/shield'

/*
| Scripts and styles load only from our origin or carry the per-request
| nonce. In development the Vite dev server also needs its websocket.
*/
const devConnect = app.inProduction ? [] : ['ws:', 'wss:']

const shieldConfig = defineConfig({
  csp: {
    enabled: true,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", '@nonce', '@viteUrl'],
      styleSrc: ["'self'", '@nonce', '@viteUrl'],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", '@viteUrl', ...devConnect],
      mediaSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    exceptRoutes: [],
    /*
    | Inertia's client sends the XSRF-TOKEN cookie back as a header.
    */
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: {
    enabled: true,
    action: 'DENY',
  },
  hsts: {
    enabled: true,
    maxAge: '365 days',
    includeSubDomains: true,
  },
  contentTypeSniffing: {
    enabled: true,
  },
})

export default shieldConfig
