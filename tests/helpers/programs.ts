import Municipality from '#tenancy/municipality'
import { newResident } from '#tests/helpers/ledger_residents'
import Child from '#residents/child'
import User from '#identity/user'
import LedgerRefusal from '#ledger/ledger_refusal'
import type { StaffAction } from '#audit/staff_action'
import CouponRedemption, { type RedeemInput } from '#ledger/coupon_redemption'
import CouponBalances from '#ledger/coupon_balances'
import type { ProgramRef } from '#ledger/program_catalog'

export const HOUR = 60

let sequence = 0

/** A unique idempotency key per call, as a phone would send */
export function nextKey() {
  return `test-${process.pid}-${++sequence}`
}

export async function minato() {
  return Municipality.findByOrFail('slug', 'minato')
}

export async function staffOf(municipality: Municipality): Promise<StaffAction> {
  const staff = await User.findByOrFail('email', 'staff@minato.example')
  return {
    actorUserId: municipality.slug === 'minato' ? staff.id : null,
    actorRole: 'municipal_staff',
    source: { channel: 'web', ip: '192.0.2.10' },
    destination: 'tests',
  }
}

type ChildDates = { dueDate?: string; birthDate?: string; multipleBirth?: boolean }

/**
 * A new resident of the municipality (Minato by default) with the children
 * given, for tests that need their own ledger.
 */
export async function residentWithChildren(children: ChildDates[], municipality?: Municipality) {
  const tenant = municipality ?? (await minato())
  const resident = await newResident(tenant, {
    prefix: 'T',
    familyName: '試験',
    givenNameStem: '花子',
    familyNameKana: 'シケン',
    givenNameKana: 'ハナコ',
  })
  const created: Child[] = []
  for (const child of children) {
    created.push(
      await Child.create({
        municipalityId: tenant.id,
        residentId: resident.id,
        dueDate: child.dueDate ?? null,
        birthDate: child.birthDate ?? null,
        multipleBirth: child.multipleBirth ?? false,
      })
    )
  }
  return { municipality: tenant, resident, children: created }
}

/** The refusal a piece of work ends with; fails the test if it succeeds */
export async function refusalOf(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof LedgerRefusal) return error
    throw error
  }
  throw new Error('the ledger accepted it')
}

export async function refusalCodeOf(work: () => Promise<unknown>) {
  const refusal = await refusalOf(work)
  return refusal.code
}

export type Household = Awaited<ReturnType<typeof residentWithChildren>>

/**
 * A reserved-then-approved visit of the household under a program, with
 * the caller's visit details over the defaults.
 */
export async function approvedVisit(
  program: ProgramRef,
  household: Household,
  visit: Omit<RedeemInput, keyof ProgramRef | 'municipalityId' | 'residentId' | 'idempotencyKey'>
) {
  const by = await staffOf(household.municipality)
  const { redemptionId } = await CouponRedemption.reserve(
    {
      ...program,
      ...visit,
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      idempotencyKey: nextKey(),
    },
    by
  )
  await CouponRedemption.approve(household.municipality.id, redemptionId, by)
  return redemptionId
}

/** Hours left per service on a date, as { service: hours } */
export async function hoursLeftByService(
  program: ProgramRef,
  household: Household,
  onDate: string
) {
  const balances = await CouponBalances.byService(
    household.municipality.id,
    household.resident.id,
    program,
    onDate
  )
  return Object.fromEntries(balances.map((balance) => [balance.service, balance.minutes / HOUR]))
}
