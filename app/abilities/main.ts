/*
| Pre-registered Bouncer abilities. Resource rules live in policies
| (app/policies); abilities are for rules that belong to no resource.
*/
import { Bouncer } from '@adonisjs/bouncer'
import type User from '#models/user'

/**
 * A disabled account may do nothing, even with a live session.
 */
export const useApplication = Bouncer.ability((user: User) => user.disabledAt === null)
