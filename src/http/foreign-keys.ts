/** Postgres' foreign_key_violation: a book's author is missing, or an author still has books. */
export function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503';
}
