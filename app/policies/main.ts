/*
| Policies, lazily imported, by name. Every resource policy is listed here.
*/
export const policies = {}
