import '../css/app.css'
import { createApp, h, type DefineComponent } from 'vue'
import { createInertiaApp } from '@inertiajs/vue3'
import { resolvePageComponent } from '@adonisjs/inertia/helpers'
import AppShell from '~/layouts/app_shell.vue'
import { catalogueOfPage, loadCatalogue } from '~/i18n_catalogues'

const cspNonce =
  document.querySelector<HTMLMetaElement>('meta[property=csp-nonce]')?.nonce || undefined

/*
| Core pages live in resources/js/pages; a plugin's pages in
| plugins/<id>/ui/pages and are named "<id>/<page>".
*/
const corePages = import.meta.glob<DefineComponent>('./pages/**/*.vue')
const pluginPages = import.meta.glob<DefineComponent>('/plugins/*/ui/pages/**/*.vue')

function candidatesFor(name: string) {
  const [first, ...rest] = name.split('/')
  return [`./pages/${name}.vue`, `/plugins/${first}/ui/pages/${rest.join('/')}.vue`]
}

createInertiaApp({
  nonce: cspNonce,
  title: (title) => (title ? `${title} | Tomoni` : 'Tomoni'),
  resolve: (name) =>
    resolvePageComponent(candidatesFor(name), { ...corePages, ...pluginPages }, AppShell),
  async setup({ el, App, props, plugin }) {
    await loadCatalogue(catalogueOfPage(props.initialPage.props))
    createApp(() => h(App, props))
      .use(plugin)
      .mount(el)
  },
  progress: { color: '#0b57d0', delay: 250 },
})
