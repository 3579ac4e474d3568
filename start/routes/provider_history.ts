/*
| Provider console: history (filled in by its section).
*/
export {}
