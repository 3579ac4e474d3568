/*
| The extension points of the sign-in (identity knows no feature): a
| municipality may sign its staff in through its own identity provider,
| and turn their local password off.
*/
import { registerLocalSignInGate, registerSignInOptions } from '#identity/sign_in_extensions'
import { localSignInGate, upstreamSignInOptions } from '#staff_sign_in/local_sign_in_gate'

registerLocalSignInGate(localSignInGate)
registerSignInOptions(upstreamSignInOptions)
