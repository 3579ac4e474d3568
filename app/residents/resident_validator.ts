import vine from '@vinejs/vine'
import type { ChildFields } from '#residents/resident_directory'
import {
  HOUSEHOLD_NOTES_MAX_LENGTH,
  RESIDENT_FIELD_MAX_LENGTH as MAX,
  japaneseDateRule,
  kanaRule,
  noLineBreakRule,
  phoneRule,
  residentNumberRule,
} from '#residents/resident_field_rules'

/*
| The staff forms for residents and children. Values are read by the same
| rules as the CSV import (app/residents/resident_field_rules.ts); an
| empty optional field arrives as null. The resident app's forms
| (resident_account_validator.ts) share the name, phone and child fields. Their messages: staffFieldNames
| (staff_residents.fields, and the rules' codes in staff_residents.validation).
*/

/** One line of text (the resident app's forms use it too) */
export const text = (max: number) => vine.string().trim().maxLength(max).use(noLineBreakRule())
const optionalText = (max: number) => text(max).optional()
const optionalDate = () => vine.string().trim().maxLength(20).use(japaneseDateRule()).optional()

/** Name and kana, the same for staff and for the resident themselves */
export const nameFields = {
  family_name: text(MAX.familyName),
  given_name: text(MAX.givenName),
  family_name_kana: text(MAX.familyNameKana).use(kanaRule()),
  given_name_kana: text(MAX.givenNameKana).use(kanaRule()),
}

/** A phone number as the form has it, optional unless a form says otherwise */
export const phoneField = () => text(MAX.phone).use(phoneRule())

const residentFields = {
  resident_number: text(MAX.residentNumber).use(residentNumberRule()),
  ...nameFields,
  phone: phoneField().optional(),
  household_notes: vine.string().trim().maxLength(HOUSEHOLD_NOTES_MAX_LENGTH).optional(),
}

/** A child: dates, multiple birth, name (staff's forms and the resident's own) */
export const childFields = {
  given_name: optionalText(MAX.childGivenName),
  due_date: optionalDate(),
  birth_date: optionalDate(),
  multiple_birth: vine.boolean().optional(),
}

type ChildInput = {
  given_name?: string | null
  due_date?: string | null
  birth_date?: string | null
  multiple_birth?: boolean | null
}

/** A child's form fields as the services take them; an empty field is null */
export function childFieldsFrom(input: ChildInput): ChildFields {
  return {
    givenName: input.given_name || null,
    dueDate: input.due_date || null,
    birthDate: input.birth_date || null,
    multipleBirth: input.multiple_birth ?? false,
  }
}

/** Registration, with an optional first child (prefixed child_) */
export const createResidentValidator = vine.compile(
  vine.object({
    ...residentFields,
    child_given_name: optionalText(MAX.childGivenName),
    child_due_date: optionalDate(),
    child_birth_date: optionalDate(),
    child_multiple_birth: vine.boolean().optional(),
    child_count: vine.number().withoutDecimals().range([1, 5]).optional(),
  })
)

export const updateResidentValidator = vine.compile(vine.object(residentFields))

export const createChildValidator = vine.compile(
  vine.object({
    ...childFields,
    count: vine.number().withoutDecimals().range([1, 5]).optional(),
  })
)

export const updateChildValidator = vine.compile(vine.object(childFields))

export const residentSearchValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(100).optional(),
    page: vine.number().positive().withoutDecimals().max(100000).optional(),
    // Keyset paging: the page after or before this resident, or the last page
    after: vine.number().positive().withoutDecimals().optional(),
    before: vine.number().positive().withoutDecimals().optional(),
    last: vine.boolean().optional(),
  })
)
