/*
| oidc-provider ships no type declarations: the few parts Tomoni uses
| (app/oidc) are typed loosely here.
*/
declare module 'oidc-provider' {
  type Loose = any
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    issuer: string
    proxy: boolean
    Client: Loose
    Grant: Loose
    Session: Loose
    callback(): (req: Loose, res: Loose) => Promise<void>
    use(middleware: (ctx: Loose, next: () => Promise<void>) => Promise<void>): void
    on(event: string, listener: (...args: Loose[]) => void): void
    interactionDetails(req: Loose, res: Loose): Promise<Loose>
    interactionResult(
      req: Loose,
      res: Loose,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean }
    ): Promise<string>
  }
  export const errors: Record<string, new (description?: string) => Error>
}
