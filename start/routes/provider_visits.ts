/*
| Provider console: visits (filled in by its section).
*/
export {}
