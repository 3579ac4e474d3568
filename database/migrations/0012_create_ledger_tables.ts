import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The hour ledger. Amounts are integer minutes.
 *
 * - ledger_lots: a grant (coupon lot) for one resident, one program, the
 *   services it can pay for, its validity and the coupon-definition version
 *   it was issued under. available_minutes is a cache of the entries,
 *   guarded by CHECK (available_minutes >= 0) so no bug can overdraw it.
 * - ledger_redemptions: two-phase redemptions (reserved → posted, or
 *   released / cancelled), with an idempotency key unique per municipality.
 * - ledger_entries: the append-only journal every balance is derived from.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('ledger_lots', (table) => {
      table.increments('id')
      table.integer('municipality_id').unsigned().notNullable().references('municipalities.id')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      table.string('definition_version', 32).notNullable()
      table.text('services').notNullable()
      table.string('window_key', 120).nullable()
      table.string('valid_from', 10).notNullable()
      table.string('valid_to', 10).notNullable()
      table.integer('granted_minutes').notNullable()
      table.integer('available_minutes').notNullable()
      table.string('status', 16).notNullable().defaultTo('active')
      table.integer('created_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'resident_id', 'plugin_id', 'program_code'])
      table.index(['status', 'valid_to'])
      table.check('?? >= 0', ['available_minutes'], 'ledger_lots_available_not_negative')
      table.check('?? > 0', ['granted_minutes'], 'ledger_lots_granted_positive')
      table.check(
        '?? <= ??',
        ['available_minutes', 'granted_minutes'],
        'ledger_lots_available_le_granted'
      )
    })

    this.schema.createTable('ledger_redemptions', (table) => {
      table.increments('id')
      table.integer('municipality_id').unsigned().notNullable().references('municipalities.id')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      table.string('service', 64).notNullable()
      table.string('visit_date', 10).notNullable()
      table.integer('minutes').notNullable()
      table.string('status', 16).notNullable()
      table.string('idempotency_key', 100).notNullable()
      table.string('request_hash', 64).notNullable()
      table.integer('provider_id').unsigned().nullable().references('providers.id')
      table.string('reason', 300).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('resolved_at', { useTz: true }).nullable()
      table.unique(['municipality_id', 'idempotency_key'])
      table.index(['municipality_id', 'resident_id', 'status'])
      table.check('?? > 0', ['minutes'], 'ledger_redemptions_minutes_positive')
    })

    this.schema.createTable('ledger_entries', (table) => {
      table.bigIncrements('id')
      table.integer('municipality_id').unsigned().notNullable().references('municipalities.id')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      table.integer('lot_id').unsigned().notNullable().references('ledger_lots.id')
      table.integer('redemption_id').unsigned().nullable().references('ledger_redemptions.id')
      table.string('kind', 16).notNullable()
      table.integer('minutes').notNullable()
      table.integer('delta_available').notNullable()
      table.integer('actor_user_id').unsigned().nullable()
      table.string('reason', 300).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['lot_id'])
      table.index(['redemption_id'])
      table.index(['municipality_id', 'resident_id'])
    })
  }

  async down() {
    this.schema.dropTable('ledger_entries')
    this.schema.dropTable('ledger_redemptions')
    this.schema.dropTable('ledger_lots')
  }
}
