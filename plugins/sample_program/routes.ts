import type { PluginRoutes } from '#plugin_host/define_plugin'
import { middleware } from '#start/kernel'

const NotesController = () => import('./notes_controller.js')

const routes: PluginRoutes = (router) => {
  router.get('/notes', [NotesController, 'index']).as('notes.index').use(middleware.auth())
}

export default routes
