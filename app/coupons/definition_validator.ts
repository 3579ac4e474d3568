import vine from '@vinejs/vine'

const code = () =>
  vine
    .string()
    .trim()
    .maxLength(64)
    .regex(/^[a-z0-9_]+$/)
const version = () =>
  vine
    .string()
    .trim()
    .maxLength(32)
    .regex(/^[A-Za-z0-9_.-]+$/)

/** GET /definitions?plugin=…&program=…&confirm=<version>: the confirmation step */
export const definitionsQueryValidator = vine.compile(
  vine.object({
    plugin: code().optional().requiredIfExists('confirm'),
    program: code().optional().requiredIfExists('confirm'),
    confirm: version().optional(),
  })
)

/** The switch itself carries an explicit confirmation */
export const switchDefinitionValidator = vine.compile(
  vine.object({
    version: version(),
    confirmed: vine.accepted(),
  })
)
