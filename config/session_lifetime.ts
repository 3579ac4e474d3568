/*
| How long a signed-in session may live (ASVS 7.3): it ends after this much
| inactivity, and in any case this long after sign-in.
*/
const sessionLifetime = {
  idleMinutes: 60,
  absoluteHours: 12,
}

export default sessionLifetime
