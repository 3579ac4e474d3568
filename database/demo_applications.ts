import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Application from '#applications/application'
import Child from '#residents/child'
import Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import { todayInJapan } from '#ledger/coupon_issuance'
import ProgramApplications, { type SubmitInput } from '#applications/program_applications'

type DemoApplication = {
  resident: {
    residentNumber: string
    familyName: string
    givenName: string
    familyNameKana: string
    givenNameKana: string
  }
  child: { givenName?: string; dueDate?: string; birthDate?: string }
  application: Omit<SubmitInput, 'childId'> & { forChild: boolean }
}

/**
 * Applications waiting in Minato's queue for the demo (`npm start`, not
 * tests): a single parent asking for home help (staff choose 24–48 tickets
 * and the co-payment tier) and an expectant mother asking for postpartum
 * support. Safe to run again: a resident who already applied to the
 * program is skipped.
 */
export async function seedDemoApplications() {
  const minato = await Municipality.findBy('code', '131032')
  if (!minato) return
  const plugins = await app.container.make('plugins')
  const today = todayInJapan()
  const demo: DemoApplication[] = [
    {
      resident: {
        residentNumber: 'MN-000103',
        familyName: '鈴木',
        givenName: '一郎',
        familyNameKana: 'スズキ',
        givenNameKana: 'イチロウ',
      },
      child: { givenName: '陽太', birthDate: '2019-06-15' },
      application: {
        pluginId: 'single_parent_home_help',
        programCode: 'home_help',
        forChild: false,
        answers: {
          reason: 'work',
          details: '平日は19時まで勤務しており、夕方の家事と子どもの世話の手が足りません。',
        },
      },
    },
    {
      resident: {
        residentNumber: 'MN-000104',
        familyName: '高橋',
        givenName: '美咲',
        familyNameKana: 'タカハシ',
        givenNameKana: 'ミサキ',
      },
      child: { dueDate: DateTime.fromISO(today).plus({ days: 90 }).toISODate()! },
      application: {
        pluginId: 'postpartum_support',
        programCode: 'postpartum',
        forChild: true,
        answers: {
          expecting: true,
          support_needed: ['housework', 'sibling_care'],
          notes: '上の子（3歳）がいます。里帰りはできません。',
        },
      },
    },
  ]

  for (const { resident: person, child, application } of demo) {
    if (!plugins.get(application.pluginId)) continue
    const resident = await Resident.firstOrCreate(
      { municipalityId: minato.id, residentNumber: person.residentNumber },
      { ...person, userId: null }
    )
    const applied = await Application.query()
      .where('municipality_id', minato.id)
      .where('resident_id', resident.id)
      .where('plugin_id', application.pluginId)
      .first()
    if (applied) continue
    const kid = await Child.firstOrCreate(
      { municipalityId: minato.id, residentId: resident.id },
      { givenName: child.givenName ?? null, multipleBirth: false, ...child }
    )
    const { forChild, ...input } = application
    await ProgramApplications.submit(
      minato.id,
      resident.id,
      { ...input, childId: forChild ? kid.id : null },
      {
        by: {
          actorUserId: null,
          actorRole: 'resident',
          source: { channel: 'cli' },
          destination: 'demo data',
        },
      }
    )
  }
}
