/*
| Accounts: sign-in (password, sign-in link, second factor), registration,
| password reset, e-mail confirmation, the account page.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const SessionController = () => import('#identity/session_controller')
const RegistrationController = () => import('#identity/registration_controller')
const PasswordResetController = () => import('#identity/password_reset_controller')
const AccountController = () => import('#identity/account_controller')
const TwoFactorController = () => import('#identity/two_factor_controller')

/** A link's secret: 256 random bits in base64url (never "resend") */
const ACCOUNT_TOKEN = /^[\w-]{20,200}$/

router
  .group(() => {
    router.get('/login', [SessionController, 'create']).as('session.create')
    router.post('/login', [SessionController, 'store']).as('session.store')
    router.post('/login/link', [SessionController, 'requestLink']).as('session.link')
    router.get('/login/link/:token', [SessionController, 'showLink']).as('session.link_show')
    router.post('/login/link/:token', [SessionController, 'useLink']).as('session.link_use')
    router.get('/register', [RegistrationController, 'create']).as('register.create')
    router.post('/register', [RegistrationController, 'store']).as('register.store')
    router.get('/register/sent', [RegistrationController, 'sent']).as('register.sent')
    router.get('/forgot-password', [PasswordResetController, 'create']).as('password.forgot')
    router.post('/forgot-password', [PasswordResetController, 'store']).as('password.email')
    router.get('/forgot-password/sent', [PasswordResetController, 'sent']).as('password.sent')
    router.get('/reset-password/:token', [PasswordResetController, 'edit']).as('password.reset')
    router.post('/reset-password/:token', [PasswordResetController, 'update']).as('password.update')
    router.get('/two-factor/setup', [TwoFactorController, 'setup']).as('two_factor.setup')
    router.post('/two-factor/setup', [TwoFactorController, 'confirmSetup']).as('two_factor.confirm')
    router.get('/two-factor', [TwoFactorController, 'challenge']).as('two_factor.challenge')
    router.post('/two-factor', [TwoFactorController, 'verify']).as('two_factor.verify')
  })
  .use(middleware.guest())

// Links from mails work whether or not the browser is signed in.
router.post('/verify-email/resend', [RegistrationController, 'resend']).as('email.resend')
router
  .get('/verify-email/:token', [RegistrationController, 'showVerify'])
  .where('token', ACCOUNT_TOKEN)
  .as('email.verify')
router
  .post('/verify-email/:token', [RegistrationController, 'verify'])
  .where('token', ACCOUNT_TOKEN)
  .as('email.verify_use')
router
  .get('/account/email/confirm/:token', [AccountController, 'confirmEmail'])
  .as('account.email.confirm')

router
  .group(() => {
    router.post('/logout', [SessionController, 'destroy']).as('session.destroy')
    router
      .get('/two-factor/recovery-codes', [TwoFactorController, 'recoveryCodes'])
      .as('two_factor.recovery_codes')
    router.get('/account', [AccountController, 'show']).as('account.show')
    router.put('/account/password', [AccountController, 'updatePassword']).as('account.password')
    router.put('/account/email', [AccountController, 'updateEmail']).as('account.email')
  })
  .use(middleware.auth())
