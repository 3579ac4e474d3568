/*
| Staff console: applications. Filled in with its screens.
*/
export {}
