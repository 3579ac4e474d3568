import vine from '@vinejs/vine'
import {
  RESIDENT_FIELD_MAX_LENGTH as MAX,
  residentNumberRule,
} from '#residents/resident_field_rules'
import { childFields, nameFields, phoneField, text } from '#residents/resident_validator'

/*
| The resident app's forms: linking a record, registering for the first
| time, the profile and children. Names, kana, phone numbers, dates and
| children are the staff forms' fields (resident_validator.ts), read by the
| same rules as the CSV import. Messages: staffFieldNames(ctx,
| 'resident_account.fields').
*/

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
    ...nameFields,
    // Optional here as on the profile and the staff form: one rule for the field
    phone: phoneField().optional(),
    children: vine.array(vine.object(childFields)).maxLength(5).optional(),
  })
)

export const updateProfileValidator = vine.compile(
  vine.object({
    ...nameFields,
    phone: phoneField().optional(),
  })
)

export const ownChildValidator = vine.compile(vine.object(childFields))
