import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'

export default class NotesController {
  async index({ inertia }: HttpContext) {
    const notes = await db.from('sample_program_notes').select('id', 'body').orderBy('id')
    return inertia.render('sample_program/notes', { notes })
  }
}
