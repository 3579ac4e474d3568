import { appUrl } from '#config/app'

/**
 * Absolute links for account mails (they are opened outside the app).
 */
export const accountLinks = {
  verifyEmail: (secret: string) => `${appUrl}/verify-email/${secret}`,
  resetPassword: (secret: string) => `${appUrl}/reset-password/${secret}`,
  confirmEmailChange: (secret: string) => `${appUrl}/account/email/confirm/${secret}`,
  forgotPassword: () => `${appUrl}/forgot-password`,
  signIn: () => `${appUrl}/login`,
  signInLink: (secret: string) => `${appUrl}/login/link/${secret}`,
}
