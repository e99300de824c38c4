/** A list page's size: `limit`'s default and most (keyset pages: src/http/resource-routes.ts). */
export const pageLimits = { default: 50, max: 200 } as const;
