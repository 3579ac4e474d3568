/*
| Core routes. Each plugin's routes are registered by the plugin host under
| /p/<plugin id>.
*/
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import { errors as httpErrors } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const SessionController = () => import('#identity/session_controller')
const LocaleController = () => import('#http/locale_controller')
const HomeController = () => import('#home/home_controller')
const HealthController = () => import('#http/health_controller')
const RegistrationController = () => import('#identity/registration_controller')
const PasswordResetController = () => import('#identity/password_reset_controller')
const AccountController = () => import('#identity/account_controller')
const OutboxController = () => import('#mail/outbox_controller')
const TwoFactorController = () => import('#identity/two_factor_controller')
const AuditEventsController = () => import('#audit_viewer/staff_audit_events_controller')
const InvitationsController = () => import('#tenancy/invitations_controller')
const OperatorMunicipalitiesController = () =>
  import('#operator/operator_municipalities_controller')

router.get('/health/live', [HealthController, 'live']).as('health.live')
router.get('/health/ready', [HealthController, 'ready']).as('health.ready')

router.put('/locale', [LocaleController, 'update']).as('locale.update')

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
router.get('/verify-email/:token', [RegistrationController, 'verify']).as('email.verify')
router.post('/verify-email/resend', [RegistrationController, 'resend']).as('email.resend')
router
  .get('/account/email/confirm/:token', [AccountController, 'confirmEmail'])
  .as('account.email.confirm')
router.get('/invitations/:token', [InvitationsController, 'show']).as('invitations.show')
router
  .post('/invitations/:token', [InvitationsController, 'accept'])
  .as('invitations.accept')
  .use(middleware.auth())

/*
| The local outbox of the embedded default: in development only, and only
| for a browser on this machine (it holds reset links).
*/
if (app.inDev) {
  router
    .get('/dev/outbox', [OutboxController, 'index'])
    .as('dev.outbox')
    .use(middleware.localOnly())
}

router
  .group(() => {
    router.get('/', [HomeController, 'show']).as('home')
    router.post('/logout', [SessionController, 'destroy']).as('session.destroy')
    router
      .get('/two-factor/recovery-codes', [TwoFactorController, 'recoveryCodes'])
      .as('two_factor.recovery_codes')
    router.get('/account', [AccountController, 'show']).as('account.show')
    router.put('/account/password', [AccountController, 'updatePassword']).as('account.password')
    router.put('/account/email', [AccountController, 'updateEmail']).as('account.email')
  })
  .use(middleware.auth())

/*
| The platform operator's console (tenants and their plugins).
*/
router
  .group(() => {
    router
      .get('/municipalities', [OperatorMunicipalitiesController, 'index'])
      .as('municipalities.index')
    router
      .post('/municipalities', [OperatorMunicipalitiesController, 'store'])
      .as('municipalities.store')
    router
      .put('/municipalities/:id/plugins', [OperatorMunicipalitiesController, 'updatePlugins'])
      .where('id', idMatcher)
      .as('municipalities.plugins')
    router
      .post('/municipalities/:id/admins', [OperatorMunicipalitiesController, 'inviteAdmin'])
      .where('id', idMatcher)
      .as('municipalities.admins')
  })
  .prefix('/operator')
  .as('operator')
  .use(middleware.auth())

/*
| Everything inside a municipality: /m/<slug>/... The tenant middleware
| answers 404 (and audits the attempt) to anyone without a membership there.
*/
router
  .group(() => {
    router.get('/audit', [AuditEventsController, 'index']).as('audit.index')
    router.get('/audit/export', [AuditEventsController, 'export']).as('audit.export')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| The municipal staff console, one file per section.
*/
import '#start/routes/staff_residents'
import '#start/routes/staff_applications'
import '#start/routes/staff_coupons'
import '#start/routes/staff_providers'
import '#start/routes/staff_csv'

/*
| The resident app: account and record, applications, home and history,
| visits (scan, confirm, survey).
*/
import '#start/routes/resident_account'
import '#start/routes/resident_applications'
import '#start/routes/resident_home'
import '#start/routes/resident_visits'

/*
| The provider console: visits (QR, resident lookup), approvals, monthly
| history, CSV and memos, staff.
*/
import '#start/routes/provider_visits'
import '#start/routes/provider_approvals'
import '#start/routes/provider_history'
import '#start/routes/provider_staff'

/*
| Unmatched URLs go through the router middleware too (session, language,
| Inertia), so the 404 page is translated like every other page.
*/
router
  .any('*', ({ request }) => {
    throw new httpErrors.E_ROUTE_NOT_FOUND([request.method(), request.url()])
  })
  .as('not_found')
