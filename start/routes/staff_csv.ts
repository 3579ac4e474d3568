/*
| Staff console: csv. Filled in with its screens.
*/
export {}
