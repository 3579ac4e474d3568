import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import ProviderContract from '#providers/provider_contract'
import User from '#identity/user'
import Membership, { type Role } from '#identity/membership'
import Resident from '#residents/resident'
import Child from '#residents/child'
import CouponIssuance, { todayInJapan } from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import { seedDemoApplications } from '#database/demo_applications'
import { seedDemoClaimCode } from '#database/demo_claim_code'
import { seedDemoOidcClient } from '#database/demo_oidc_client'
import type { StaffAction } from '#audit/staff_action'

/**
 * One municipality, its staff, one provider with staff, a few residents.
 * Looked up by natural keys (code, email, resident number) so that running
 * it twice changes nothing.
 */
export const DEMO_PASSWORD = 'tomoni-demo-2026'

type DemoAccount = {
  email: string
  fullName: string
  role: Role
  inMunicipality: boolean
  atProvider: boolean
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    email: 'operator@tomoni.example',
    fullName: '運営 太郎',
    role: 'platform_operator',
    inMunicipality: false,
    atProvider: false,
  },
  {
    email: 'admin@minato.example',
    fullName: '港 管理者',
    role: 'municipal_admin',
    inMunicipality: true,
    atProvider: false,
  },
  {
    email: 'staff@minato.example',
    fullName: '子ども 家庭',
    role: 'municipal_staff',
    inMunicipality: true,
    atProvider: false,
  },
  {
    email: 'owner@aozora.example',
    fullName: '青空 社長',
    role: 'provider_admin',
    inMunicipality: true,
    atProvider: true,
  },
  {
    email: 'helper@aozora.example',
    fullName: '青空 ヘルパー',
    role: 'provider_staff',
    inMunicipality: true,
    atProvider: true,
  },
  {
    email: 'hanako@example.jp',
    fullName: '山田 花子',
    role: 'resident',
    inMunicipality: true,
    atProvider: false,
  },
  {
    email: 'yui@example.jp',
    fullName: '佐藤 結衣',
    role: 'resident',
    inMunicipality: true,
    atProvider: false,
  },
]

const DEMO_RESIDENTS = [
  {
    email: 'hanako@example.jp',
    residentNumber: 'MN-000101',
    familyName: '山田',
    givenName: '花子',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'ハナコ',
    phone: '090-0000-0101',
  },
  {
    email: 'yui@example.jp',
    residentNumber: 'MN-000102',
    familyName: '佐藤',
    givenName: '結衣',
    familyNameKana: 'サトウ',
    givenNameKana: 'ユイ',
    phone: '090-0000-0102',
  },
  {
    email: null,
    residentNumber: 'MN-000103',
    familyName: '鈴木',
    givenName: '一郎',
    familyNameKana: 'スズキ',
    givenNameKana: 'イチロウ',
    phone: null,
  },
]

export default class DemoData {
  static async seed() {
    await db.transaction(async (trx) => {
      const minato = await Municipality.firstOrCreate(
        { code: '131032' },
        { slug: 'minato', nameJa: '港区', nameEn: 'Minato City' },
        { client: trx }
      )
      const aozora = await Provider.firstOrCreate(
        { nameJa: 'あおぞら家事支援サービス' },
        { nameEn: 'Aozora Home Support', phone: '03-0000-0000' },
        { client: trx }
      )

      const users = new Map<string, User>()
      for (const account of DEMO_ACCOUNTS) {
        const user = await User.firstOrCreate(
          { email: account.email },
          {
            fullName: account.fullName,
            password: DEMO_PASSWORD,
            preferredLocale: 'ja',
            emailVerifiedAt: DateTime.now(),
          },
          { client: trx }
        )
        users.set(account.email, user)
        await Membership.firstOrCreate(
          {
            userId: user.id,
            role: account.role,
            municipalityId: account.inMunicipality ? minato.id : null,
            providerId: account.atProvider ? aozora.id : null,
          },
          {},
          { client: trx }
        )
      }

      // The demo municipality uses every installed program.
      const plugins = await app.container.make('plugins')
      for (const plugin of plugins.plugins) {
        await trx
          .table('municipality_plugins')
          .insert({ municipality_id: minato.id, plugin_id: plugin.id, created_at: new Date() })
          .onConflict(['municipality_id', 'plugin_id'])
          .ignore()
      }

      // Aozora's one station, contracted in Minato for every service of
      // every installed program.
      await Facility.firstOrCreate(
        { providerId: aozora.id, nameJa: 'あおぞら 芝浦ステーション' },
        {
          nameEn: 'Aozora Shibaura Station',
          address: '東京都港区芝浦1-1-1',
          phone: '03-0000-0001',
        },
        { client: trx }
      )
      for (const plugin of plugins.plugins) {
        for (const program of plugin.programs ?? []) {
          await ProviderContract.firstOrCreate(
            {
              municipalityId: minato.id,
              providerId: aozora.id,
              pluginId: plugin.id,
              programCode: program.code,
            },
            { services: program.services.map((service) => service.code) },
            { client: trx }
          )
        }
      }

      for (const { email, ...resident } of DEMO_RESIDENTS) {
        await Resident.firstOrCreate(
          { municipalityId: minato.id, residentNumber: resident.residentNumber },
          { ...resident, userId: email ? users.get(email)!.id : null },
          { client: trx }
        )
      }
    })
    // The demo relying party's client of Minato's OpenID Provider (app/oidc)
    await seedDemoOidcClient()
    // Tests keep a ledger of their own: coupons dated from the day of
    // seeding would make their fixture depend on the calendar.
    if (!app.inTest) {
      await this.seedCoupons()
      await seedDemoApplications()
      await seedDemoClaimCode()
    }
  }

  /**
   * Hanako expects a baby in two months and holds postpartum hours; Yui, a
   * single parent of a second-grader, holds 36 home-help tickets (tier III).
   * Seeded once: a resident who already holds the program's lots is skipped.
   */
  static async seedCoupons() {
    const minato = await Municipality.findByOrFail('code', '131032')
    const staff = await User.findByOrFail('email', 'staff@minato.example')
    const plugins = await app.container.make('plugins')
    const today = todayInJapan()
    const by = {
      actorUserId: staff.id,
      actorRole: 'municipal_staff',
      source: { channel: 'cli' as const },
      destination: 'demo data',
    }
    const holdings = [
      {
        residentNumber: 'MN-000101',
        child: { dueDate: DateTime.fromISO(today).plus({ days: 60 }).toISODate()! },
        grant: { pluginId: 'postpartum_support', programCode: 'postpartum' },
      },
      {
        residentNumber: 'MN-000102',
        child: { birthDate: '2018-05-10' },
        grant: {
          pluginId: 'single_parent_home_help',
          programCode: 'home_help',
          minutes: 36 * 60,
          copaymentTier: 'III',
        },
      },
    ]
    for (const { residentNumber, child, grant } of holdings) {
      if (!plugins.get(grant.pluginId)) continue
      const resident = await Resident.findByOrFail({ municipalityId: minato.id, residentNumber })
      const held = await db
        .from('ledger_lots')
        .where({ resident_id: resident.id, plugin_id: grant.pluginId })
        .first()
      if (held) continue
      const kid = await Child.firstOrCreate(
        { residentId: resident.id },
        { municipalityId: minato.id, multipleBirth: false, ...child }
      )
      await CouponIssuance.issue(
        { ...grant, municipalityId: minato.id, residentId: resident.id, childId: kid.id },
        by
      )
      if (grant.pluginId === 'single_parent_home_help') await this.#seedVisits(resident, by)
    }
  }

  /**
   * Yui's visits at Aozora: housework today, approved; childcare tomorrow,
   * waiting for the provider's approval.
   */
  static async #seedVisits(resident: Resident, by: StaffAction) {
    const aozora = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
    const station = await Facility.findByOrFail('providerId', aozora.id)
    const today = todayInJapan()
    const visits = [
      { service: 'housework', visitDate: today, visitStart: '10:00', minutes: 120, approve: true },
      {
        service: 'childcare',
        visitDate: DateTime.fromISO(today).plus({ days: 1 }).toISODate()!,
        visitStart: '14:00',
        minutes: 180,
        approve: false,
      },
    ]
    for (const { approve, ...visit } of visits) {
      const { redemptionId } = await CouponRedemption.reserve(
        {
          ...visit,
          pluginId: 'single_parent_home_help',
          programCode: 'home_help',
          municipalityId: resident.municipalityId,
          residentId: resident.id,
          providerId: aozora.id,
          facilityId: station.id,
          idempotencyKey: `demo-${resident.residentNumber}-${visit.visitDate}`,
        },
        by
      )
      if (approve) await CouponRedemption.approve(resident.municipalityId, redemptionId, by)
    }
  }
}
