import { defineConfig } from '@adonisjs/core/bodyparser'

export default defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: {
    convertEmptyStringsToNull: true,
    types: ['application/x-www-form-urlencoded'],
  },
  json: {
    convertEmptyStringsToNull: true,
    types: ['application/json', 'application/json-patch+json', 'application/vnd.api+json'],
  },
  multipart: {
    /*
    | Never processed here (before sign-in and CSRF): the routes that take
    | files read them themselves after their checks (app/http/uploads.ts),
    | and a multipart body to any other route is refused with 415
    | (MultipartGuardMiddleware).
    */
    autoProcess: false,
    convertEmptyStringsToNull: true,
    processManually: [],
    // The only upload is a resident CSV: a ward's yearly file (100,000 rows,
    // about 8.4 MB in CP932) up to 50 MB, checked with a translated reason;
    // anything larger is refused here. Streamed to disk, never held in
    // memory (app/http/uploads.ts).
    limit: '51mb',
    types: ['multipart/form-data'],
  },
})
