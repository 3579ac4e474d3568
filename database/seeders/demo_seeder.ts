import { BaseSeeder } from '@adonisjs/lucid/seeders'
import DemoData, { DEMO_ACCOUNTS, DEMO_PASSWORD } from '#database/demo_data'
import { DEMO_CLAIM_CODE, DEMO_CLAIM_RESIDENT } from '#database/demo_claim_code'

/**
 * Demo data for the embedded default: safe to run again and again.
 */
export default class DemoSeeder extends BaseSeeder {
  static environment = ['development', 'test']

  async run() {
    await DemoData.seed()
    if (process.env.NODE_ENV === 'test') return
    console.log(`\n  Demo accounts (password for all: ${DEMO_PASSWORD})`)
    for (const account of DEMO_ACCOUNTS) {
      console.log(`    ${account.role.padEnd(18)} ${account.email}`)
    }
    console.log(
      `  A new account can claim resident ${DEMO_CLAIM_RESIDENT} at /my/link with the start code ${DEMO_CLAIM_CODE}`
    )
  }
}
