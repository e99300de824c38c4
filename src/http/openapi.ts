import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** What the document says that depends on the deployment (PUBLIC_URL, API_CONTACT, API_LICENSE). */
export interface DocumentOptions {
  /** Where clients reach the API; unset: `/`, the server that served the document. */
  publicUrl?: string | undefined;
  /** A URL or an e-mail address. */
  contact?: string | undefined;
  /** An SPDX identifier. */
  license?: string | undefined;
}

const tags = [
  { name: 'authors', description: 'Authors: the guide’s `GET /authors`, and create, read, change, delete' },
  { name: 'books', description: 'Books: the guide’s `GET /books/{author_id}`, and create, read, change, delete' },
  { name: 'operations', description: 'Liveness and readiness probes' },
];

function contactOf(contact: string | undefined) {
  if (!contact) return { name: 'bookshelf' };
  return /^[^@\s/:]+@[^@\s/]+$/.test(contact) ? { name: 'bookshelf', email: contact } : { name: 'bookshelf', url: contact };
}

/** The OpenAPI 3.1 document, generated from the route schemas (never hand-written). */
/** `used`: the routes' tags; each one not above is a declared resource's (src/http/resources.ts). */
export function openApiDocument(
  registry: OpenAPIRegistry,
  { publicUrl, contact, license = 'UNLICENSED' }: DocumentOptions = {},
  used: string[] = [],
) {
  const resourceTags = used
    .filter((name) => !tags.some((tag) => tag.name === name))
    .map((name) => ({ name, description: `The \`${name}\` resource, declared in src/http/resources.ts` }));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'bookshelf',
      version: '0.1.0',
      description:
        'Authors and books, from the Neon guide “Schema migration with Neon Postgres and SQLAlchemy”. ' +
        'Errors are RFC 9457 problems; lists are paginated with `limit` and `after` (follow the `Link: rel="next"` header).',
      contact: contactOf(contact),
      // UNLICENSED is npm's word for "no license granted", not an SPDX identifier.
      license: { name: license, ...(license === 'UNLICENSED' ? {} : { identifier: license }) },
    },
    servers: [
      publicUrl ? { url: publicUrl, description: 'PUBLIC_URL' } : { url: '/', description: 'The server that served this document' },
    ],
    tags: [...tags, ...resourceTags],
  });
}
