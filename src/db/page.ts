/**
 * Keyset pagination: rows in id order, `after` = the last id the client saw.
 * Stable under inserts and deletes, and as fast on page 1,000 as on page 1.
 */
export interface Page {
  limit: number;
  after?: number | undefined;
}

export const pageLimits = { default: 50, max: 200 } as const;
