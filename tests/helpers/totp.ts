import { generate } from 'otplib'
import { timeTravel } from '@japa/runner'
import encryption from '@adonisjs/core/services/encryption'
import User from '#identity/user'

const PERIOD = 30

/**
 * The code an authenticator app would show for a user, for a time step the
 * server has not accepted yet (a code works once). When the next unused
 * step is beyond the server's tolerance, the clock travels to it.
 */
export async function nextTotpCode(email: string, secret?: string) {
  const user = await User.findByOrFail('email', email)
  const plainSecret = secret ?? encryption.decrypt<string>(user.totpSecret!)!
  const currentStep = Math.floor(Date.now() / 1000 / PERIOD)
  // Not the step before: the server accepts one step either side of its
  // own, so a step boundary passing before the code arrives would refuse it
  let step = currentStep
  if (user.totpLastStep !== null && user.totpLastStep >= step) step = user.totpLastStep + 1
  if (step > currentStep + 1) {
    timeTravel(`${(step - currentStep) * PERIOD} seconds`)
  }
  return generate({ secret: plainSecret, epoch: step * PERIOD })
}
