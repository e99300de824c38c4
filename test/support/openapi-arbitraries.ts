import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';

/**
 * fast-check arbitraries for the requests an OpenAPI document describes, read
 * from the document alone: every operation, each path and query parameter and
 * body field, with values the document allows ("valid") and values it rules
 * out ("invalid": wrong type, out of range, too long, blank, NUL, a lone
 * surrogate, missing, unknown, empty). Each generated value is classified by
 * the document's own JSON Schema (ajv), so "valid" means what the document
 * says, not what this file assumes. A new column or route is fuzzed with no
 * edit here.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- catalog rows and JSON documents are read as plain JSON

export interface DocumentRequest {
  /** valid: every part as the document allows; invalid: exactly one part not. */
  kind: 'valid' | 'invalid';
  /** What is wrong, for an invalid one (e.g. `body.name: too long`). */
  flaw?: string;
  operationId: string;
  method: string;
  template: string;
  path: string;
  /** The query string, with its `?`, or ''. */
  query: string;
  body?: unknown;
}

const documentId = 'openapi.json';

/** Code points a client may send: ASCII, Latin, CJK, emoji, combining marks, zero-width and odd spaces. */
const codePoint = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0xa0, max: 0x2fff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x4e00, max: 0x9fff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x1f300, max: 0x1faff }) },
  { weight: 1, arbitrary: fc.constantFrom(0x09, 0x0a, 0x0d, 0x200b, 0x200d, 0x202e, 0x2028, 0xfeff, 0x0301, 0xffff) },
);
const text = (maxLength: number, minLength = 0) =>
  fc.array(codePoint, { minLength, maxLength }).map((points) => String.fromCodePoint(...points));

/** Values of the wrong JSON type for a schema, and some that break it otherwise. */
const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -1, 1.5, 1e308, 2147483648, -0, 3e9),
  fc.constantFrom('', ' ', 'x', '3', 'null', "'; DROP TABLE authors; --"),
  fc.constant([]),
  fc.constant({}),
  fc.constant(['x']),
  fc.constant({ x: 1 }),
);

export class DocumentArbitraries {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: Json) {
    this.ajv.addSchema(document, documentId);
  }

  /** Every operation of the document: its operationId, method, path template and OpenAPI object. */
  operations(): { operationId: string; method: string; template: string; operation: Json }[] {
    return Object.entries(this.document.paths as Json).flatMap(([template, item]) =>
      Object.entries(item as Json).map(([method, operation]) => ({
        operationId: operation.operationId as string,
        method: method.toUpperCase(),
        template,
        operation: operation as Json,
      })),
    );
  }

  /** A request to any operation: three valid ones to two with one flaw (where the operation takes anything that can be wrong). */
  request(): fc.Arbitrary<DocumentRequest> {
    return fc.oneof(...this.operations().map(({ operationId }) => this.requestFor(operationId)));
  }

  requestFor(operationId: string): fc.Arbitrary<DocumentRequest> {
    const found = this.operations().find((op) => op.operationId === operationId);
    if (!found) throw new Error(`no operation ${operationId}`);
    const { method, template, operation } = found;
    const parameters = (operation.parameters ?? []) as Json[];
    const pathParams = parameters.filter((p) => p.in === 'path');
    const queryParams = parameters.filter((p) => p.in === 'query');
    const bodyPointer = operation.requestBody ? `${this.pointerOf(operation)}/requestBody/content/application~1json/schema` : undefined;

    const validPath = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, this.validParameter(p.schema)]))) as fc.Arbitrary<
      Record<string, string>
    >;
    const validQuery = this.validQuery(queryParams);
    const validBody = bodyPointer ? this.valid(bodyPointer) : fc.constant(undefined);

    const build =
      (kind: DocumentRequest['kind'], flaw: string | undefined) =>
      (parts: { path: Record<string, string>; query: string; body: unknown }): DocumentRequest => ({
        kind,
        ...(flaw ? { flaw } : {}),
        operationId,
        method,
        template,
        path: template.replace(/\{(\w+)\}/g, (_, name: string) => parts.path[name]!),
        query: parts.query,
        ...(bodyPointer ? { body: parts.body } : {}),
      });

    const valid = fc.record({ path: validPath, query: validQuery, body: validBody }).map(build('valid', undefined));
    const flawed: fc.Arbitrary<DocumentRequest>[] = [];
    for (const p of pathParams) {
      flawed.push(
        fc
          .record({ path: validPath, bad: this.invalidParameter(p.schema), query: validQuery, body: validBody })
          .map(({ path, bad, query, body }) =>
            build('invalid', `path.${p.name}: ${JSON.stringify(bad)}`)({ path: { ...path, [p.name]: bad }, query, body }),
          ),
      );
    }
    const invalidQuery = this.invalidQuery(queryParams);
    if (invalidQuery) {
      flawed.push(
        fc
          .record({ path: validPath, query: invalidQuery, body: validBody })
          .map((parts) => build('invalid', `query: ${parts.query}`)(parts)),
      );
    }
    if (bodyPointer) {
      flawed.push(
        fc
          .record({ path: validPath, query: validQuery, body: this.invalid(bodyPointer) })
          .map((parts) => build('invalid', `body: ${JSON.stringify(parts.body)?.slice(0, 80)}`)(parts)),
      );
    }
    if (flawed.length === 0) return valid;
    return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: fc.oneof(...flawed) });
  }

  /** The schema at `pointer` (a JSON Pointer into the document) and where it is, its `$ref`s followed. */
  private resolve(pointer: string): { pointer: string; schema: Json } {
    let node: Json = this.document;
    for (const part of pointer.replace(/^#\//, '').split('/')) node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return typeof node.$ref === 'string' ? this.resolve(node.$ref) : { pointer, schema: node };
  }

  private pointerOf(operation: Json): string {
    for (const [template, item] of Object.entries(this.document.paths as Json)) {
      for (const [method, candidate] of Object.entries(item as Json)) {
        if (candidate === operation) return `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
      }
    }
    throw new Error('operation not in the document');
  }

  /** Whether `value` keeps the schema at `pointer` (ajv, the document's refs resolved). */
  keeps(pointer: string, value: unknown): boolean {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${documentId}${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate(value) as boolean;
  }

  /** Values the schema at `pointer` allows. */
  valid(pointer: string): fc.Arbitrary<unknown> {
    const { pointer: resolved, schema } = this.resolve(pointer);
    const types = ([] as string[]).concat(schema.type ?? []);
    const options: fc.Arbitrary<unknown>[] = [];
    if (schema.enum) options.push(fc.constantFrom(...(schema.enum as unknown[])));
    else if (types.includes('object')) options.push(this.validObject(resolved, schema));
    else if (types.includes('string')) options.push(this.validString(schema));
    else if (types.includes('integer') || types.includes('number')) options.push(ids(schema));
    else if (types.includes('boolean')) options.push(fc.boolean());
    if (types.includes('null')) options.push(fc.constant(null));
    if (options.length === 0) throw new Error(`no generator for the schema at ${pointer}: ${JSON.stringify(schema)}`);
    return fc.oneof(...options).filter((value) => this.keeps(pointer, value));
  }

  /** Values the schema at `pointer` rules out. */
  invalid(pointer: string): fc.Arbitrary<unknown> {
    const { pointer: resolved, schema } = this.resolve(pointer);
    const types = ([] as string[]).concat(schema.type ?? []);
    const options: fc.Arbitrary<unknown>[] = [anyJson];
    if (types.includes('object')) options.push(this.invalidObject(resolved, schema));
    if (types.includes('string')) {
      const max = schema.maxLength as number | undefined;
      if (max !== undefined)
        options.push(
          fc.tuple(fc.constantFrom('x', 'é', '📚', ' '), fc.integer({ min: max + 1, max: max + 40 })).map(([c, n]) => c.repeat(n)),
        );
      options.push(fc.constantFrom('', ' ', '\t\n', '\u3000', 'a\u0000b', '\u0000', '\ud800', 'x\udc00y'));
    }
    if (types.includes('integer')) {
      const { minimum = -(2 ** 31), maximum = 2 ** 31 - 1 } = schema as { minimum?: number; maximum?: number };
      options.push(fc.constantFrom(minimum - 1, maximum + 1, 1.5, Number.MAX_SAFE_INTEGER, -1, 0, '1'));
    }
    return fc.oneof(...options).filter((value) => !this.keeps(pointer, value));
  }

  private validObject(pointer: string, schema: Json): fc.Arbitrary<unknown> {
    const properties = Object.keys((schema.properties ?? {}) as Json);
    const required = new Set((schema.required ?? []) as string[]);
    const record = Object.fromEntries(properties.map((name) => [name, this.valid(`${pointer}/properties/${escape(name)}`)]));
    return fc
      .record(record, { requiredKeys: properties.filter((name) => required.has(name)) })
      .filter((value) => Object.keys(value).length >= ((schema.minProperties as number | undefined) ?? 0));
  }

  /** An object with one thing wrong: a field of a bad value, a required field gone, a field unknown, too few fields. */
  private invalidObject(pointer: string, schema: Json): fc.Arbitrary<unknown> {
    const properties = Object.keys((schema.properties ?? {}) as Json);
    const valid = this.validObject(pointer, schema) as fc.Arbitrary<Record<string, unknown>>;
    const options: fc.Arbitrary<unknown>[] = [fc.constant({})];
    for (const name of properties) {
      options.push(
        fc.tuple(valid, this.invalid(`${pointer}/properties/${escape(name)}`)).map(([object, bad]) => ({ ...object, [name]: bad })),
      );
    }
    for (const name of (schema.required ?? []) as string[]) {
      options.push(valid.map(({ [name]: _gone, ...rest }) => rest));
    }
    if (schema.additionalProperties === false) {
      options.push(
        fc
          .tuple(valid, fc.constantFrom('id', 'created_at', 'Name', 'name ', 'nationality', 'pages'), anyJson)
          .map(([object, key, value]) => ({ ...object, [key]: value })),
      );
    }
    return fc.oneof(...options);
  }

  private validString(schema: Json): fc.Arbitrary<string> {
    const max = (schema.maxLength as number | undefined) ?? 2000;
    const min = (schema.minLength as number | undefined) ?? 0;
    return fc.oneof(
      { weight: 4, arbitrary: text(Math.min(max, 40)) },
      // At the limit, counted in code points as the document (and Postgres) count.
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('x', 'é', '📚', '李'), fc.integer({ min: Math.max(min, max - 1), max }))
          .map(([c, n]) => c.repeat(n)),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "'; DROP TABLE authors; --",
          '$1',
          '<script>alert(1)</script>',
          '${7*7}',
          '../../etc/passwd',
          '👩‍👩‍👧‍👦',
          'e\u0301\u0301',
          '\u202eevil',
        ),
      },
    );
  }

  /** A path or query value the document allows, as text in a URL. */
  private validParameter(schema: Json): fc.Arbitrary<string> {
    if (schema.type === 'integer') return ids(schema).map(String);
    if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
    if (schema.type === 'number') return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map(String);
    if (schema.type === 'boolean') return fc.constantFrom('true', 'false');
    if (schema.format === 'uuid') return fc.uuid();
    if (schema.format === 'date-time' || schema.format === 'date') {
      const dates = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
      return dates.map((date) => encodeURIComponent(schema.format === 'date' ? date.toISOString().slice(0, 10) : date.toISOString()));
    }
    // A list in one parameter (style form, explode false): its items, comma-separated.
    if (schema.type === 'array') {
      const max = Math.min((schema.maxItems as number | undefined) ?? 5, 5);
      return fc.array(this.validParameter(schema.items as Json), { minLength: 1, maxLength: max }).map((items) => items.join(','));
    }
    return text(20, (schema.minLength as number | undefined) ?? 0).map(encodeURIComponent);
  }

  /** A path or query value the document rules out, as text in a URL. */
  private invalidParameter(schema: Json): fc.Arbitrary<string> {
    if (schema.type === 'integer') {
      const { minimum = 0, maximum = 2 ** 31 - 1 } = schema as { minimum?: number; maximum?: number };
      return fc
        .constantFrom(
          String(minimum - 1),
          String(maximum + 1),
          '-1',
          '1.5',
          '1e3',
          'abc',
          '%20',
          'null',
          '99999999999',
          '%F0%9F%93%9A',
          "1'",
          '0x10',
        )
        .filter((value) => !(/^-?[0-9]+$/.test(value) && Number(value) >= minimum && Number(value) <= maximum));
    }
    if (schema.type === 'array') return this.invalidParameter(schema.items as Json);
    if (schema.type === 'number' || schema.type === 'boolean' || schema.format) return fc.constantFrom('abc', '1x', '%00', 'null');
    // NUL: no text parameter takes it. (A malformed escape is not the document's: in a path it is a 400, in a query text.)
    return fc.constant('%00');
  }

  private validQuery(parameters: Json[]): fc.Arbitrary<string> {
    // An opaque cursor (a string `after`: the value of a `Link` header) cannot be made from the document; it is left out.
    const generated = parameters.filter((p) => !(p.name === 'after' && p.schema?.type === 'string'));
    const record: Record<string, fc.Arbitrary<string>> = Object.fromEntries(generated.map((p) => [p.name, this.validParameter(p.schema)]));
    const requiredKeys: string[] = generated.filter((p) => p.required).map((p) => p.name as string);
    return fc.record(record, { requiredKeys }).map((values) => queryString(Object.entries(values as Record<string, string>)));
  }

  /**
   * A query with one thing wrong: a bad value, or a parameter given twice. (A
   * parameter the document does not name is not "wrong" by the document:
   * OpenAPI cannot forbid one. Such queries are the fuzz test's junk.)
   */
  private invalidQuery(parameters: Json[]): fc.Arbitrary<string> | undefined {
    const options: fc.Arbitrary<string>[] = [];
    for (const p of parameters.filter((p) => !(p.name === 'after' && p.schema?.type === 'string'))) {
      options.push(this.invalidParameter(p.schema).map((value) => queryString([[p.name as string, value]])));
      options.push(
        this.validParameter(p.schema).map((value) =>
          queryString([
            [p.name as string, value],
            [p.name as string, value],
          ]),
        ),
      );
    }
    return options.length ? fc.oneof(...options) : undefined;
  }
}

/**
 * Integers of a schema, mostly small ones: the rows a run creates have small
 * ids (the database restarts its identities before each run), so requests
 * hit rows that exist about as often as ones that do not.
 */
function ids(schema: Json): fc.Arbitrary<number> {
  const { minimum = -(2 ** 31), maximum = 2 ** 31 - 1 } = schema as { minimum?: number; maximum?: number };
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: minimum, max: Math.min(maximum, minimum + 15) }) },
    { weight: 1, arbitrary: fc.integer({ min: minimum, max: maximum }) },
    { weight: 1, arbitrary: fc.constant(maximum) },
  );
}

function queryString(pairs: [string, string][]): string {
  return pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
