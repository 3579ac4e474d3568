/*
| The module boundaries of ARCHITECTURE.md, checked by `npm run lint`
| (depcruise). shared <- core <- features <- plugins; no circle between
| modules, nor through files of different modules.
*/
const CORE = [
  'queue',
  'mail',
  'csv',
  'audit',
  'metrics',
  'http',
  'identity',
  'tenancy',
  'plugin_host',
  'ledger',
  'backup',
]
const FEATURES = [
  'residents',
  'applications',
  'visits',
  'home',
  'usage',
  'providers',
  'coupons',
  'statistics',
  'operator',
  'alerts',
  'audit_viewer',
  'staff_sign_in',
  'oidc',
  'demo_rp',
]
const any = (names) => `(${names.join('|')})`
const MODULE_FILE = `^app/${any(['shared', ...CORE, ...FEATURES])}/[a-z0-9_]+\\.ts$`

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'file-outside-the-modules',
      comment:
        'Every file under app/ sits directly in a module folder (tests/ aside): see ARCHITECTURE.md',
      severity: 'error',
      from: { path: '^app/', pathNot: MODULE_FILE },
      to: {},
    },
    {
      name: 'shared-is-self-contained',
      comment: 'shared holds small pure helpers and imports no other module',
      severity: 'error',
      from: { path: '^app/shared/' },
      to: { path: '^app/', pathNot: '^app/shared/' },
    },
    {
      name: 'core-knows-no-feature',
      comment: 'A core module never imports a feature: emit an event or take a callback instead',
      severity: 'error',
      from: { path: `^app/${any(CORE)}/` },
      to: { path: `^app/${any(FEATURES)}/` },
    },
    {
      name: 'app-knows-no-plugin',
      comment: 'The core loads plugins through config/plugins.ts (the registry), never by import',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'plugins-use-the-host-api-only',
      comment:
        'A plugin imports only the plugin host public API (#plugin_host/define_plugin and what it re-exports)',
      severity: 'error',
      from: { path: '^plugins/[^/]+/' },
      to: {
        path: '^(app|start|config|database)/',
        pathNot: '^app/plugin_host/define_plugin\\.ts$',
      },
    },
    {
      name: 'app-imports-no-composition-root',
      comment:
        'start/ wires the modules together; a module may only read start/env, start/kernel (named middleware), start/route_matchers and start/health',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^start/', pathNot: '^start/(env|kernel|route_matchers|health)\\.ts$' },
    },
    {
      name: 'no-circle-across-modules',
      comment: 'No import circle passes through files of two modules',
      severity: 'error',
      from: { path: '^app/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^app/$1/' } },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // subpath imports (#ledger/x) name ./app/ledger/x.js, a .ts file: resolved as tsc does
    webpackConfig: { fileName: '.dependency-cruiser.resolve.cjs' },
    exclude: { path: '(^|/)tests/|\\.spec\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
