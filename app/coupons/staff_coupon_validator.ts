import vine from '@vinejs/vine'
import { codeField, programKeyField } from '#shared/usage_field_rules'

const reason = vine.string().trim().minLength(1).maxLength(300)

/** Issue (発行) or add (追加) hours of one program to a resident */
export const issueCouponValidator = vine.compile(
  vine.object({
    /** "<plugin id>/<program code>" */
    program: programKeyField(),
    child_id: vine.number().positive().withoutDecimals().optional(),
    /** One window of the definition; omitted: every window still open */
    window: codeField().optional(),
    /** Omitted: the window's full amount */
    hours: vine.number().positive().max(10000).optional(),
    copayment_tier: vine.string().trim().maxLength(8).optional(),
  })
)

export const revokeLotValidator = vine.compile(vine.object({ reason }))

export const lotExpiryValidator = vine.compile(
  vine.object({
    valid_to: vine.date({ formats: ['YYYY-MM-DD'] }),
    reason,
  })
)
