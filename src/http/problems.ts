/**
 * Every error the API sends is an RFC 9457 problem (application/problem+json):
 * `{ type, title, status, detail?, errors?: [{ loc, msg, type }] }`, where
 * `loc` names the field as FastAPI does: ["path", "author_id"], ["body", "name"].
 */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  toJSON() {
    const slug = this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return {
      type: `https://bookshelf.dev/problems/${slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    };
  }
}

export const notFound = (what: string) => new HttpProblem(404, 'Not Found', `${what} does not exist`);

/** 503 with Retry-After: the database is away (a suspended Neon compute, a restart), not a bug. */
export const databaseUnavailable = () =>
  new HttpProblem(503, 'Database Unavailable', 'The database cannot be reached right now; retry shortly.', undefined, {
    'retry-after': '1',
  });

export const invalid = (errors: FieldError[]) =>
  new HttpProblem(422, 'Validation Failed', 'The request has invalid fields; see errors.', errors);
