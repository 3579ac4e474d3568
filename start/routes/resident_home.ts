/*
| Resident app: home (filled in by its section).
*/
export {}
