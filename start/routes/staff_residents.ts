/*
| Staff console: residents. Search, register, edit, the resident's page
| with household notes and children.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const ResidentsController = () => import('#residents/staff_residents_controller')

router
  .group(() => {
    router.get('/residents', [ResidentsController, 'index']).as('residents.index')
    router.get('/residents/new', [ResidentsController, 'create']).as('residents.create')
    router.post('/residents', [ResidentsController, 'store']).as('residents.store')
    router
      .group(() => {
        router.get('/residents/:resident', [ResidentsController, 'show']).as('residents.show')
        router.get('/residents/:resident/edit', [ResidentsController, 'edit']).as('residents.edit')
        router.put('/residents/:resident', [ResidentsController, 'update']).as('residents.update')
        router
          .post('/residents/:resident/children', [ResidentsController, 'storeChild'])
          .as('residents.children.store')
        router
          .put('/residents/:resident/children/:child', [ResidentsController, 'updateChild'])
          .where('child', idMatcher)
          .as('residents.children.update')
      })
      .where('resident', idMatcher)
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
