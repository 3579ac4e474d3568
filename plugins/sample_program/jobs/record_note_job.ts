import db from '@adonisjs/lucid/services/db'
import { Job } from '#plugin_host/define_plugin'

export default class RecordNoteJob extends Job<{ municipalityId: number; body: string }> {
  static jobName = 'sample_program:record_note'

  async handle(payload: { municipalityId: number; body: string }) {
    await db.table('sample_program_notes').insert({
      municipality_id: payload.municipalityId,
      body: payload.body,
      created_at: new Date(),
    })
  }
}
