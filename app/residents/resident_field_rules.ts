import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { DateTime } from 'luxon'
import { parseJapaneseDate } from '#csv/japanese_dates'

/*
|--------------------------------------------------------------------------
| A resident's fields: one set of rules
|--------------------------------------------------------------------------
| The staff forms (the VineJS rules at the end of this file) and the CSV
| import (app/csv/resident_csv_reader.ts) read 利用者ID, kana, phone
| numbers and dates with these functions, so a value one accepts the
| other accepts too, normalized the same way. Each check answers the
| normalized value or the refusal code both translate (csv_import.errors.*
| for a file, staff_residents.validation.* for a form).
*/

/** Column widths of the residents and children tables (migrations 0005, 0013) */
export const RESIDENT_FIELD_MAX_LENGTH = {
  residentNumber: 32,
  familyName: 60,
  givenName: 60,
  familyNameKana: 60,
  givenNameKana: 60,
  phone: 32,
  childGivenName: 60,
} as const

/** Household notes: a few paragraphs, not a case file */
export const HOUSEHOLD_NOTES_MAX_LENGTH = 2000

export type ResidentFieldRefusal = 'invalid_resident_number' | 'kana_only' | 'invalid_phone'

export type FieldCheck = { ok: true; value: string } | { ok: false; code: ResidentFieldRefusal }

/** Every dash a keyboard or IME may produce, read as "-" in IDs and phone numbers */
const DASHES = /[\u2010-\u2015\u2212\u30FC\uFE63\uFF0D\uFF70]/g
const RESIDENT_NUMBER = /^[0-9A-Za-z][0-9A-Za-z_-]*$/
// Full-width katakana (ァ–ヺ), the middle dot of foreign names and the long vowel ー
const KATAKANA = /^[\u30A1-\u30FC]+(?: [\u30A1-\u30FC]+)*$/
// A Japanese number as dialled at home: starts with 0 (10 or 11 digits, checked apart)
const PHONE = /^0\d*(?:-\d+)*$/
const LINE_BREAK = /[\r\n\t]/
const YES = new Set(['1', 'true', 'yes', 'y', 'はい', 'あり', '有'])
const NO = new Set(['0', 'false', 'no', 'n', 'いいえ', 'なし', '無'])

/** Full-width letters and digits become ASCII, any dash becomes "-" */
export function normalizeResidentNumber(value: string) {
  return value.normalize('NFKC').replaceAll(DASHES, '-').trim()
}

/*
| Fast paths: a value already in its final form (plain ASCII, or katakana
| and single spaces) is one that NFKC, the dash and space rewrites leave
| unchanged, so it is accepted as it is; anything else takes the full way.
| Most cells of a 100,000-row import are such values.
*/

/** 利用者ID: letters, digits, "_" and "-", starting with a letter or digit */
export function checkResidentNumber(value: string): FieldCheck {
  if (RESIDENT_NUMBER.test(value)) return { ok: true, value }
  const residentNumber = normalizeResidentNumber(value)
  return RESIDENT_NUMBER.test(residentNumber)
    ? { ok: true, value: residentNumber }
    : { ok: false, code: 'invalid_resident_number' }
}

/**
 * A name in katakana. Half-width kana become full-width (NFKC) and runs of
 * spaces one space; hiragana, kanji or letters are refused (a reading
 * written in hiragana is not silently rewritten in a record).
 */
export function checkKana(value: string): FieldCheck {
  if (KATAKANA.test(value)) return { ok: true, value }
  const kana = value.normalize('NFKC').trim().replaceAll(/\s+/g, ' ')
  return KATAKANA.test(kana) ? { ok: true, value: kana } : { ok: false, code: 'kana_only' }
}

/** Kept with its hyphens; a number must start with 0 and have 10 or 11 digits */
export function checkPhone(value: string): FieldCheck {
  const phone = PHONE.test(value) ? value : value.normalize('NFKC').replaceAll(DASHES, '-').trim()
  const digits = phone.replaceAll('-', '').length
  return PHONE.test(phone) && digits >= 10 && digits <= 11
    ? { ok: true, value: phone }
    : { ok: false, code: 'invalid_phone' }
}

export function hasLineBreak(value: string) {
  return LINE_BREAK.test(value)
}

/** 1/0, はい/いいえ, あり/なし…: true or false, or undefined when unreadable */
export function readYesNo(value: string): boolean | undefined {
  const word = value.normalize('NFKC').trim().toLowerCase()
  if (YES.has(word)) return true
  if (NO.has(word)) return false
  return undefined
}

/*
|--------------------------------------------------------------------------
| Searching
|--------------------------------------------------------------------------
*/
/** NFKC (half-width kana, full-width letters and digits), then hiragana → katakana */
export function searchKana(value: string) {
  return value
    .normalize('NFKC')
    .replaceAll(/[\u3041-\u3096\u309D\u309E]/g, (char) =>
      String.fromCodePoint(char.codePointAt(0)! + 0x60)
    )
}

/** The digits of a phone number as typed (full-width digits and any dash allowed) */
export function phoneDigits(value: string) {
  return value.normalize('NFKC').replaceAll(DASHES, '-').replaceAll(/[\s-]/g, '')
}

/*
|--------------------------------------------------------------------------
| A child's dates
|--------------------------------------------------------------------------
| A due date (出産予定日) or a birth date (生年月日), at least one. A birth
| date is not in the future nor more than 18 years back (no program here
| serves adults); a due date is at most 10 months ahead (a pregnancy is
| known from about the 6th week). A due date without a birth date more
| than a year old means the birth has not been recorded: staff enter it.
| With both, they lie within six months of each other.
*/
export type ChildDateField = 'due_date' | 'birth_date'

export type ChildDateRefusal =
  | 'child_date_required'
  | 'birth_date_in_future'
  | 'birth_date_too_old'
  | 'due_date_too_far'
  | 'due_date_too_old'
  | 'dates_too_far_apart'

export type ChildDateProblem = { field: ChildDateField; code: ChildDateRefusal }

export const CHILD_DATE_LIMITS = {
  dueMonthsAhead: 10,
  dueYearsBack: 1,
  birthYearsBack: 18,
  dueToBirthMonths: 6,
} as const

/** The first problem with a child's dates (ISO strings), or null; `today` in Japan */
export function checkChildDates(
  dates: { dueDate: string | null; birthDate: string | null },
  today: string
): ChildDateProblem | null {
  const { dueDate, birthDate } = dates
  if (!dueDate && !birthDate) return { field: 'due_date', code: 'child_date_required' }
  const day = DateTime.fromISO(today)
  const iso = (date: DateTime) => date.toISODate()!
  // ISO dates compare as strings
  if (birthDate && birthDate > today) return { field: 'birth_date', code: 'birth_date_in_future' }
  if (birthDate && birthDate < iso(day.minus({ years: CHILD_DATE_LIMITS.birthYearsBack }))) {
    return { field: 'birth_date', code: 'birth_date_too_old' }
  }
  if (dueDate && dueDate > iso(day.plus({ months: CHILD_DATE_LIMITS.dueMonthsAhead }))) {
    return { field: 'due_date', code: 'due_date_too_far' }
  }
  if (
    dueDate &&
    !birthDate &&
    dueDate < iso(day.minus({ years: CHILD_DATE_LIMITS.dueYearsBack }))
  ) {
    return { field: 'due_date', code: 'due_date_too_old' }
  }
  if (dueDate && birthDate) {
    const due = DateTime.fromISO(dueDate)
    const months = CHILD_DATE_LIMITS.dueToBirthMonths
    if (birthDate < iso(due.minus({ months })) || birthDate > iso(due.plus({ months }))) {
      return { field: 'birth_date', code: 'dates_too_far_apart' }
    }
  }
  return null
}

/*
|--------------------------------------------------------------------------
| VineJS rules for the staff forms
|--------------------------------------------------------------------------
| Each rule reports under its refusal code (translated by
| staff_residents.validation.<code>) and hands on the normalized value.
*/
function fieldRule(check: (value: string) => FieldCheck) {
  return vine.createRule((value: unknown, _, field: FieldContext) => {
    if (typeof value !== 'string') return
    const checked = check(value)
    if (checked.ok) field.mutate(checked.value, field)
    else field.report(checked.code, checked.code, field)
  })
}

export const residentNumberRule = fieldRule(checkResidentNumber)
export const kanaRule = fieldRule(checkKana)
export const phoneRule = fieldRule(checkPhone)

/** A date as offices write it (2025-04-01, 2025/4/1, 令和7年4月1日, R7.4.1) → YYYY-MM-DD */
export const japaneseDateRule = vine.createRule((value: unknown, _, field: FieldContext) => {
  if (typeof value !== 'string') return
  const parsed = parseJapaneseDate(value)
  if (parsed.ok) field.mutate(parsed.date, field)
  else field.report('invalid_date', `date_${parsed.reason}`, field, { value })
})

export const noLineBreakRule = vine.createRule((value: unknown, _, field: FieldContext) => {
  if (typeof value === 'string' && hasLineBreak(value)) {
    field.report('line_break', 'line_break', field)
  }
})
