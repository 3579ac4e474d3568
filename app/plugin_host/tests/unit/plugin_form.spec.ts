import { test } from '@japa/runner'
import { Bouncer } from '@adonisjs/bouncer'
import { errors } from '@vinejs/vine'
import app from '@adonisjs/core/services/app'
import PluginForm from '#plugin_host/plugin_form'
import PluginPermissionPolicy from '#plugin_host/plugin_permission_policy'
import TenantContext from '#tenancy/tenant_context'
import Membership, { type Role } from '#identity/membership'
import Municipality from '#tenancy/municipality'
import User from '#identity/user'

async function applicationForm(pluginId: string) {
  const host = await app.container.make('plugins')
  return host.get(pluginId)!.applicationForm!.fields
}

async function failedFields(pluginId: string, answers: Record<string, unknown>) {
  try {
    await PluginForm.validatorFor(await applicationForm(pluginId)).validate(answers)
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      return (error.messages as { field: string }[]).map((message) => message.field).sort()
    }
    throw error
  }
  return []
}

test.group('Plugin forms: answers checked by the core', () => {
  test('a complete postpartum application is accepted and unknown keys dropped', async ({
    assert,
  }) => {
    const validator = PluginForm.validatorFor(await applicationForm('postpartum_support'))
    const answers = await validator.validate({
      expecting: true,
      support_needed: ['housework', 'childcare'],
      notes: '  上の子が2歳です  ',
      is_admin: true,
    })
    assert.deepEqual(answers, {
      expecting: true,
      support_needed: ['housework', 'childcare'],
      notes: '上の子が2歳です',
    })
  })

  test('{title}')
    .with([
      {
        title: 'a required choice left empty',
        pluginId: 'single_parent_home_help',
        answers: { details: '就労のため' },
        fields: ['reason'],
      },
      {
        title: 'a reason that is not on the list',
        pluginId: 'single_parent_home_help',
        answers: { reason: 'holiday', details: '旅行' },
        fields: ['reason'],
      },
      {
        title: 'a text longer than allowed',
        pluginId: 'single_parent_home_help',
        answers: { reason: 'work', details: 'あ'.repeat(501) },
        fields: ['details'],
      },
      {
        title: 'no support chosen',
        pluginId: 'postpartum_support',
        answers: { support_needed: [] },
        fields: ['support_needed'],
      },
      {
        title: 'a repeated choice',
        pluginId: 'postpartum_support',
        answers: { support_needed: ['housework', 'housework'] },
        fields: ['support_needed'],
      },
    ])
    .run(async ({ assert }, { pluginId, answers, fields }) => {
      assert.deepEqual(await failedFields(pluginId, answers), fields)
    })

  test('survey ratings outside 1–5 are refused; every question may be skipped', async ({
    assert,
  }) => {
    const host = await app.container.make('plugins')
    const survey = PluginForm.validatorFor(host.get('postpartum_support')!.survey!.questions)
    assert.deepEqual(await survey.validate({}), {})
    await assert.rejects(() => survey.validate({ satisfaction: 6 }))
    await assert.rejects(() => survey.validate({ satisfaction: 2.5 }))
    assert.deepEqual(await survey.validate({ satisfaction: 5 }), { satisfaction: 5 })
  })
})

test.group('Plugin permissions', () => {
  async function allows(roles: Role[], pluginId: string, permission: string) {
    const municipality = await Municipality.findByOrFail('slug', 'minato')
    const user = await User.findByOrFail('email', 'staff@minato.example')
    const memberships = roles.map((role) =>
      new Membership().merge({ userId: user.id, municipalityId: municipality.id, role })
    )
    const tenant = new TenantContext(municipality, memberships)
    return new Bouncer(user)
      .with(PluginPermissionPolicy)
      .allows('use', tenant, pluginId, permission)
  }

  test('staff may issue postpartum coupons; only admins switch the rules version', async ({
    assert,
  }) => {
    assert.isTrue(await allows(['municipal_staff'], 'postpartum_support', 'issue'))
    assert.isFalse(await allows(['municipal_staff'], 'postpartum_support', 'switch_definition'))
    assert.isTrue(await allows(['municipal_admin'], 'postpartum_support', 'switch_definition'))
  })

  test('providers, residents and unknown permissions get nothing', async ({ assert }) => {
    assert.isFalse(await allows(['provider_admin'], 'postpartum_support', 'issue'))
    assert.isFalse(await allows(['resident'], 'single_parent_home_help', 'issue'))
    assert.isFalse(await allows(['municipal_admin'], 'postpartum_support', 'delete_everything'))
    assert.isFalse(await allows(['municipal_admin'], 'no_such_plugin', 'issue'))
  })
})
