/*
| Resident app: visits (filled in by its section).
*/
export {}
