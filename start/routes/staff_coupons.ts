/*
| Staff console: coupons. Filled in with its screens.
*/
export {}
