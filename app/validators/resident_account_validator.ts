import vine from '@vinejs/vine'
import {
  RESIDENT_FIELD_MAX_LENGTH as MAX,
  japaneseDateRule,
  kanaRule,
  noLineBreakRule,
  phoneRule,
  residentNumberRule,
} from '#validators/rules/resident_fields'

/*
| The resident app's forms: linking a record, registering for the first
| time, the profile and children. Names, kana, phone numbers and dates are
| read by the same rules as the staff forms and the CSV import
| (app/validators/rules/resident_fields.ts). Messages: staffFieldNames(ctx,
| 'resident_account.fields').
*/

const text = (max: number) => vine.string().trim().maxLength(max).use(noLineBreakRule())
const optionalDate = () => vine.string().trim().maxLength(20).use(japaneseDateRule()).optional()

const ownFields = {
  family_name: text(MAX.familyName),
  given_name: text(MAX.givenName),
  family_name_kana: text(MAX.familyNameKana).use(kanaRule()),
  given_name_kana: text(MAX.givenNameKana).use(kanaRule()),
}

const childFields = {
  given_name: text(MAX.childGivenName).optional(),
  due_date: optionalDate(),
  birth_date: optionalDate(),
  multiple_birth: vine.boolean().optional(),
}

/** A municipality by its URL name (the form's select) */
const municipality = () => vine.string().trim().maxLength(64)

export const linkRecordValidator = vine.compile(
  vine.object({
    municipality: municipality(),
    resident_number: text(MAX.residentNumber).use(residentNumberRule()),
    // Generous: spaces and hyphens are allowed between the 12 characters
    code: text(40),
  })
)

export const startRecordValidator = vine.compile(
  vine.object({
    municipality: municipality(),
    ...ownFields,
    phone: text(MAX.phone).use(phoneRule()),
    children: vine.array(vine.object(childFields)).maxLength(5).optional(),
  })
)

export const updateProfileValidator = vine.compile(
  vine.object({
    ...ownFields,
    phone: text(MAX.phone).use(phoneRule()).optional(),
  })
)

export const ownChildValidator = vine.compile(vine.object(childFields))
