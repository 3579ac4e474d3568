/*
| Provider console: approvals (filled in by its section).
*/
export {}
