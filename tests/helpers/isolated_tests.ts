import type { Group } from '@japa/runner/core'
import testUtils from '@adonisjs/core/services/test_utils'
import { lastAuditEventId } from '#tests/helpers/staff_console'

/**
 * Each test of the group in a transaction rolled back after it; `started`
 * gets the last audit event id before the test, so a test can count only
 * the events it caused.
 */
export function isolatedTests(group: Group, started: (lastEventId: number) => void) {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    started(await lastAuditEventId())
  })
}
