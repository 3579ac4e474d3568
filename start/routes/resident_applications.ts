/*
| Resident app: applications (filled in by its section).
*/
export {}
