// Resolution only (dependency-cruiser reads `resolve` the way webpack would):
// subpath imports (#ledger/x) map to ./app/ledger/x.js, which is a .ts file.
module.exports = { resolve: { extensionAlias: { '.js': ['.ts', '.js'] } } }
