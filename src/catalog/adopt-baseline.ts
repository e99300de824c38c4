/**
 * The first line of the baseline migration `npm run db:adopt` writes. The
 * baseline stands for the whole database as it was adopted: migrations that
 * sort before it (the guide's, moved aside by `db:adopt -- --replace`) were
 * replaced by it, never applied to that database, so db:check does not count
 * their removal as a committed migration deleted.
 */
export const adoptBaselineMarker =
  '-- bookshelf:adopt-baseline: the database as `npm run db:adopt` found it; it replaces every migration before it.';

export const isAdoptBaseline = (text: string): boolean => text.startsWith(adoptBaselineMarker);
