import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import { localizedText } from '#shared/localized_text'
import WindowKey from '#ledger/window_key'

/**
 * Program and service names from the manifests, in the reader's language.
 * A program whose plugin is no longer installed is named by its code
 * rather than left out of a resident's history.
 */
export default class ProgramNames {
  constructor(private locale: string) {}

  async #find(ref: ProgramRef) {
    try {
      const { program } = await ProgramCatalog.find(ref)
      return program
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      return null
    }
  }

  async program(ref: ProgramRef) {
    const program = await this.#find(ref)
    return program ? localizedText(program.name, this.locale) : ref.programCode
  }

  async service(ref: ProgramRef, service: string) {
    const program = await this.#find(ref)
    return program
      ? localizedText(ProgramCatalog.serviceName(program, service), this.locale)
      : service
  }

  /** The name of a lot's window (by its base key) under the lot's definition */
  async window(ref: ProgramRef, definitionVersion: string, windowKey: string | null) {
    const program = await this.#find(ref)
    const base = WindowKey.base(windowKey)
    const window = program?.definitions
      .find((definition) => definition.version === definitionVersion)
      ?.windows.find((candidate) => candidate.key === base)
    return window ? localizedText(window.name, this.locale) : base
  }
}
