import type { PluginRoutes } from '#plugin_host/define_plugin'

const NotesController = () => import('./notes_controller.js')

const routes: PluginRoutes = (router) => {
  router.get('/notes', [NotesController, 'index']).as('notes.index')
}

export default routes
