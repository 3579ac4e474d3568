/**
 * What a relying party is told when openid-client's request is refused:
 * the error in the body, or in a WWW-Authenticate challenge; 'accepted'
 * when it was not refused.
 */
export async function rejection(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    const refusal = error as { error?: string; cause?: { parameters?: { error?: string } }[] }
    return refusal.error ?? refusal.cause?.[0]?.parameters?.error ?? (error as Error).message
  }
  return 'accepted'
}
