import { UserError } from '../errors/user-error.ts';
import type { UncomparedObject } from './census.ts';

/**
 * Thrown by readCatalog when a database holds objects the catalog reader
 * does not compare (census.ts): every check built on that reader would call
 * the two sides equal without having looked, so it fails closed instead,
 * naming each object. `source` says which state held them ("schema.sql",
 * "migrations/", "the live database").
 */
export class UncomparedObjectsError extends UserError {
  override name = 'UncomparedObjectsError';
  constructor(
    readonly objects: UncomparedObject[],
    readonly source: string,
  ) {
    super([uncomparedSummary(objects, source), ...uncomparedDetails(objects, source)].join('\n'), { code: 'UNCOMPARED_OBJECTS' });
  }

  /** The same objects, said of another state (a caller knows better what the database held). */
  from(source: string): UncomparedObjectsError {
    return new UncomparedObjectsError(this.objects, source);
  }

  /** The lines after the first, for a db:check result's details. */
  get details(): string[] {
    return uncomparedDetails(this.objects, this.source);
  }

  get summary(): string {
    return uncomparedSummary(this.objects, this.source);
  }
}

const shown = 5;
const label = (object: UncomparedObject) => `${object.kind} ${object.name}`;

function uncomparedSummary(objects: UncomparedObject[], source: string): string {
  const listed = objects.slice(0, shown).map(label).join(', ');
  const more = objects.length > shown ? ` and ${objects.length - shown} more` : '';
  const count = objects.length === 1 ? '1 object' : `${objects.length} objects`;
  return `${source} has ${count} that bookshelf does not compare: ${listed}${more}`;
}

function uncomparedDetails(objects: UncomparedObject[], source: string): string[] {
  return [
    ...objects.map((object) => `  ${label(object)}`),
    `No check can say ${source} matches while it holds these: bookshelf reads no ${kinds(objects)} from Postgres' catalogs, ` +
      'so a difference in them would pass unseen. It stops rather than call the schemas equal.',
    'What to do: take them out of schema.sql (and out of migrations/ and the database) and manage them outside bookshelf, ' +
      'or write the schema without them; see docs/pg-dump.md ("Objects bookshelf does not compare").',
  ];
}

function kinds(objects: UncomparedObject[]): string {
  return [...new Set(objects.map((object) => object.kind))].join(', ');
}
