/*
| The landing page (GET /) and the resident's home: a program's page with
| its lots and rules, and the history of visits and grants.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const HomeController = () => import('#home/home_controller')
const ResidentProgramsController = () => import('#home/resident_programs_controller')
const ResidentHistoryController = () => import('#home/resident_history_controller')

/*
| The landing page after sign-in: the consoles this account may open and,
| for a resident, every program's hours.
*/
router.get('/', [HomeController, 'show']).as('home').use(middleware.auth())

/*
| Resident app: home (GET /, in start/routes.ts), a program's page with its
| lots and rules, and the history of visits and grants.
*/
router
  .group(() => {
    router
      .get('/my/programs/:plugin/:program', [ResidentProgramsController, 'show'])
      .where('plugin', /^[a-z0-9_]+$/)
      .where('program', /^[a-z0-9_]+$/)
      .as('my.programs.show')
    router.get('/my/history', [ResidentHistoryController, 'index']).as('my.history.index')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])
