export function serverAddress(
  envText: string,
  environment?: Record<string, string | undefined>
): string
