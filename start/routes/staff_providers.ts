/*
| Staff console: providers. Filled in with its screens.
*/
export {}
