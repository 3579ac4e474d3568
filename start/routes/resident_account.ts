/*
| Resident app: account (filled in by its section).
*/
export {}
