import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * How a municipality's console, exports and printouts write dates:
 * 'western' (2026年4月1日) or 'japanese_era' (令和8年4月1日, 和暦), chosen
 * by its administrators (issue 17).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('municipalities', (table) => {
      table.string('date_style', 20).notNullable().defaultTo('western')
    })
  }

  async down() {
    // Not knex's dropColumn: on SQLite it rebuilds the table, which every
    // table still referencing municipalities forbids. Both databases drop a
    // column in place.
    this.schema.raw('ALTER TABLE municipalities DROP COLUMN date_style')
  }
}
