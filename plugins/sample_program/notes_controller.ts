import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'

export default class NotesController {
  async index({ inertia, tenant }: HttpContext) {
    const notes = await db
      .from('sample_program_notes')
      .where('municipality_id', tenant.municipalityId)
      .select('id', 'body')
      .orderBy('id')
    return inertia.render('sample_program/notes', { notes })
  }
}
