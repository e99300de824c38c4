import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** The OpenAPI 3.1 document, generated from the route schemas (never hand-written). */
export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'bookshelf',
      version: '0.1.0',
      description:
        'Authors and books, from the Neon guide “Schema migration with Neon Postgres and SQLAlchemy”. ' +
        'Errors are RFC 9457 problems; lists are paginated with `limit` and `after` (follow the `Link: rel="next"` header).',
    },
  });
}
