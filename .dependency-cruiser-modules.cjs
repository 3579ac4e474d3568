/*
| The module graph (one node per app/<module>/ folder) has no circle. Run
| apart from .dependency-cruiser.cjs on app/ only: start/ and config/ wire
| every module and would close a circle through any two of them.
*/
const { options } = require('./.dependency-cruiser.cjs')

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circle-between-modules',
      comment:
        'The modules import each other without circles (module A -> B -> A through any files)',
      severity: 'error',
      scope: 'folder',
      from: { path: '^app/[^/]+$' },
      to: { path: '^app/[^/]+$', circular: true },
    },
  ],
  options: { ...options, includeOnly: '^app/' },
}
