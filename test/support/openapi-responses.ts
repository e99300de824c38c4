import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';

/**
 * Checks an HTTP response against the OpenAPI document the server serves:
 * the status is declared for the operation (or, for a method the path does
 * not serve, its 405), the content type is one the response declares (none:
 * an empty body), the body matches the declared JSON Schema, and every
 * declared header that is present matches its schema (and a required one is
 * there). The schemas are checked by ajv (JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1), with the document's own components for `$ref`s.
 *
 * Paths the document does not describe (/docs, /openapi.json, unknown ones)
 * are checked only as far as the API promises: an error there is a problem.
 */
// ajv-formats is CommonJS with `exports.default`: under NodeNext, the import is its module object.
type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- catalog rows and JSON documents are read as plain JSON

export interface ObservedResponse {
  method: string;
  /** The request path, with or without a query string. */
  path: string;
  status: number;
  headers: Headers;
  /** The raw body text. */
  text: string;
}

interface Operation {
  template: string;
  regex: RegExp;
  methods: Map<string, Json>;
}

const documentId = 'openapi.json';

export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(document, documentId);
    this.operations = Object.entries(document.paths as Json).map(([template, item]) => ({
      template,
      regex: pathRegex(template),
      methods: new Map(Object.entries(item as Json).map(([method, operation]) => [method.toUpperCase(), operation as Json])),
    }));
  }

  /** Every way `response` breaks the document; empty when it keeps it. */
  problems(response: ObservedResponse): string[] {
    const pathname = response.path.split('?')[0]!;
    const where = `${response.method} ${response.path} → ${response.status}`;
    const operation = this.operations.find(({ regex }) => regex.test(pathname));
    if (!operation) return this.undocumented(response, where);
    const method = response.method.toUpperCase();
    const declared = operation.methods.get(method === 'HEAD' ? 'GET' : method);
    if (method === 'OPTIONS') return response.status === 204 || response.status === 405 ? [] : [`${where}: OPTIONS answers 204`];
    // A method the path does not serve: its answer is the 405 every operation of the path declares.
    const [methodName, operationObject] = declared
      ? [method === 'HEAD' ? 'get' : method.toLowerCase(), declared]
      : [[...operation.methods.keys()][0]!.toLowerCase(), [...operation.methods.values()][0]!];
    const pointer = `#/paths/${escape(operation.template)}/${methodName}/responses`;
    if (!declared && response.status !== 405)
      return [`${where}: ${method} is not an operation of ${operation.template}, so only a 405 is expected`];
    const responses = operationObject.responses as Json;
    const status = String(response.status);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => candidate in responses);
    if (!key)
      return [
        `${where}: status ${status} is not declared for ${method} ${operation.template} (declared: ${Object.keys(responses).join(', ')})`,
      ];
    // A shared answer is a reference to components.responses.
    const answer = responses[key] as Json;
    const specPointer = typeof answer.$ref === 'string' ? answer.$ref : `${pointer}/${key}`;
    const spec = typeof answer.$ref === 'string' ? this.at(answer.$ref) : answer;
    return [
      ...this.headerProblems(spec, specPointer, response, where),
      ...this.bodyProblems(spec, specPointer, response, where, method === 'HEAD'),
    ];
  }

  private headerProblems(spec: Json, pointer: string, response: ObservedResponse, where: string): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries((spec.headers ?? {}) as Json)) {
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      const schema = header.schema as Json | undefined;
      if (!schema) continue;
      const typed = schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      const validate = this.validator(`${pointer}/headers/${escape(name)}/schema`);
      if (!validate(typed)) problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }

  private bodyProblems(spec: Json, pointer: string, response: ObservedResponse, where: string, head: boolean): string[] {
    const content = spec.content as Json | undefined;
    const contentType = response.headers.get('content-type');
    if (!content) {
      return response.text === ''
        ? []
        : [`${where}: no body is declared, got ${contentType ?? 'no content type'} ${JSON.stringify(response.text.slice(0, 200))}`];
    }
    const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
    if (!mediaType || !(mediaType in content)) {
      return [`${where}: content type ${contentType ?? '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`];
    }
    if (head) return response.text === '' ? [] : [`${where}: a HEAD answer has a body`];
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      return [`${where}: the body is not JSON: ${JSON.stringify(response.text.slice(0, 200))}`];
    }
    const validate = this.validator(`${pointer}/content/${escape(mediaType)}/schema`);
    if (validate(body)) return [];
    return [
      `${where}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}; body ${JSON.stringify(body).slice(0, 300)}`,
    ];
  }

  /** Answers on paths outside the document: an error there is still a problem (404, 405). */
  private undocumented(response: ObservedResponse, where: string): string[] {
    if (response.status < 400) return [];
    const contentType = response.headers.get('content-type') ?? '';
    if (response.method.toUpperCase() === 'HEAD') return [];
    if (!contentType.startsWith('application/problem+json'))
      return [`${where}: an error outside the document is not a problem (${contentType})`];
    const validate = this.validator('#/components/schemas/Problem');
    return validate(JSON.parse(response.text)) ? [] : [`${where}: ${this.ajv.errorsText(validate.errors)}`];
  }

  /** The node at a `#/…` JSON Pointer of the document. */
  private at(pointer: string): Json {
    let node: Json = this.document;
    for (const part of pointer.replace(/^#\//, '').split('/')) node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return node;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${documentId}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

/** A JSON Pointer segment: `/` and `~` escaped. */
function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `/books/{author_id}` → a regex matching as Express does: case-insensitive, optional trailing slash. */
function pathRegex(template: string): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  // Case-sensitive, as the server's routes are (issue 20: /AUTHORS is not /authors).
  return new RegExp(`^${source}/?$`);
}

const validators = new Map<string, Promise<ResponseValidator>>();

/** The validator for the document a server serves at `${baseUrl}/openapi.json` (fetched once per server). */
function validatorFor(baseUrl: string): Promise<ResponseValidator> {
  let validator = validators.get(baseUrl);
  if (!validator) {
    validator = fetch(`${baseUrl}/openapi.json`)
      .then((response) => response.json())
      .then((document) => new ResponseValidator(document as Json));
    validators.set(baseUrl, validator);
  }
  return validator;
}

/** Fails the test when `response` (from the server at `baseUrl`) breaks the document that server serves. */
export async function expectKeepsDocument(baseUrl: string, response: ObservedResponse): Promise<void> {
  const problems = (await validatorFor(baseUrl)).problems(response);
  expect(problems, 'the response keeps /openapi.json').toEqual([]);
}

/** node:http's headers as fetch's Headers. */
export function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return headers;
}
