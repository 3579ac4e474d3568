import Application from '#applications/application'
import ProgramApplications from '#applications/program_applications'
import type { Household } from '#tests/helpers/programs'

/*
| What the application tests share: the two demo programs residents apply
| to, answers their forms accept, and the households that may apply.
*/

export const POSTPARTUM_PROGRAM = { pluginId: 'postpartum_support', programCode: 'postpartum' }
export const HOME_HELP_PROGRAM = { pluginId: 'single_parent_home_help', programCode: 'home_help' }

export const postpartumAnswers = { expecting: true, support_needed: ['housework', 'childcare'] }
export const homeHelpAnswers = { reason: 'work', details: '平日の夜に仕事があります。' }

/** An expectant mother (due 1 December 2026) */
export const EXPECTING = [{ dueDate: '2026-12-01' }]
/** A single parent of a first-grader in FY2026 */
export const SINGLE_PARENT = [{ birthDate: '2019-06-15' }]

/** The household applies for postpartum support for its first child */
export async function applyPostpartum(household: Household) {
  return ProgramApplications.submit(household.municipality.id, household.resident.id, {
    ...POSTPARTUM_PROGRAM,
    childId: household.children[0].id,
    answers: postpartumAnswers,
  })
}

/** The household applies for single-parent home help */
export async function applyHomeHelp(household: Household) {
  return ProgramApplications.submit(household.municipality.id, household.resident.id, {
    ...HOME_HELP_PROGRAM,
    answers: homeHelpAnswers,
  })
}

export async function statusOf(applicationId: number) {
  const application = await Application.findOrFail(applicationId)
  return application.status
}

/** The error the work threw; the test fails when it was accepted */
export async function failureOf(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    return error as Error
  }
  throw new Error('it was accepted')
}
