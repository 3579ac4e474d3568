/*
| Provider console: staff (filled in by its section).
*/
export {}
