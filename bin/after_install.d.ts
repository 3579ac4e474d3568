export function afterInstallMessage(userAgent: string | undefined): string
