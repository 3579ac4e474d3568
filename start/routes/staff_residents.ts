/*
| Staff console: residents. Filled in with its screens.
*/
export {}
