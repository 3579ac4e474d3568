import vine from '@vinejs/vine'
import { PROVIDER_STAFF_ROLES } from '#identity/membership'

const phone = vine
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{6,24}$/)
  .optional()

const name = () => vine.string().trim().minLength(1).maxLength(160)

/** Form keys "plugin/program/service"; the registry checks what they name */
const services = () =>
  vine.array(vine.string().trim().maxLength(200)).maxLength(100).distinct().optional()

export const registerProviderValidator = vine.compile(
  vine.object({
    name_ja: name(),
    name_en: name(),
    phone,
    services: services(),
  })
)

export const updateProviderValidator = vine.compile(
  vine.object({
    name_ja: name(),
    name_en: name(),
    phone,
  })
)

export const facilityValidator = vine.compile(
  vine.object({
    name_ja: name(),
    name_en: name(),
    address: vine.string().trim().maxLength(200).optional(),
    phone,
  })
)

export const contractsValidator = vine.compile(vine.object({ services: services() }))

export const inviteProviderStaffValidator = vine.compile(
  vine.object({
    email: vine.string().trim().toLowerCase().email().maxLength(254),
    full_name: vine.string().trim().minLength(1).maxLength(120),
    role: vine.enum(PROVIDER_STAFF_ROLES),
  })
)
