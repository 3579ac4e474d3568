/*
| The demo relying party (issue 19): a municipality's other service that
| signs residents in with Tomoni, to try shared sign-in with `npm start`.
| Never in production: the routes are not registered there.
*/
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'

const DemoRpController = () => import('#demo_rp/demo_rp_controller')

if (!app.inProduction) {
  router
    .group(() => {
      router.get('/', [DemoRpController, 'show']).as('demo_rp.show')
      router.get('/sign-in', [DemoRpController, 'signIn']).as('demo_rp.sign_in')
      router.get('/callback', [DemoRpController, 'callback']).as('demo_rp.callback')
      router.post('/sign-out', [DemoRpController, 'signOut']).as('demo_rp.sign_out')
    })
    .prefix('/demo-rp')
}
