import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../src/http/route-table.ts';

/**
 * The route table decides, for every request, which route serves it
 * (serve-api.ts): case-sensitively (issue 20: `/AUTHORS` is not a second URL
 * of `/authors`), one optional trailing slash, a parameter is one non-empty decoded segment,
 * the first route added wins) and know every method a path serves.
 */
function table() {
  const t = new RouteTable<string>();
  t.add('/authors', 'get', 'listAuthors');
  t.add('/authors', 'post', 'createAuthor');
  t.add('/authors/{id}', 'get', 'getAuthor');
  t.add('/authors/{id}', 'delete', 'deleteAuthor');
  t.add('/authors/{id}/with-books', 'get', 'withBooks');
  t.add('/books/by-id/{id}', 'get', 'getBook');
  t.add('/books/{author_id}', 'get', 'byAuthor');
  t.add('/docs', 'get'); // served by a later middleware
  return t;
}

describe('RouteTable', () => {
  it.each([
    ['GET', '/authors', 'listAuthors', {}],
    ['POST', '/authors', 'createAuthor', {}],
    ['GET', '/authors/', 'listAuthors', {}],
    ['HEAD', '/authors', 'listAuthors', {}],
    ['GET', '/authors/42', 'getAuthor', { id: '42' }],
    ['GET', '/authors/42/', 'getAuthor', { id: '42' }],
    ['GET', '/authors/x%20y', 'getAuthor', { id: 'x y' }],
    ['GET', '/authors/7/with-books', 'withBooks', { id: '7' }],
    ['GET', '/books/by-id/9', 'getBook', { id: '9' }],
    ['GET', '/books/by-id', 'byAuthor', { author_id: 'by-id' }],
    ['GET', '/books/3', 'byAuthor', { author_id: '3' }],
  ])('%s %s → %s', (method, path, value, params) => {
    expect(table().find(method, path)).toEqual({ value, params });
  });

  it.each([
    ['PUT', '/authors', 'GET, HEAD, POST, OPTIONS'],
    ['OPTIONS', '/authors', 'GET, HEAD, POST, OPTIONS'],
    ['PATCH', '/authors/1', 'GET, HEAD, DELETE, OPTIONS'],
    ['POST', '/docs', 'GET, HEAD, OPTIONS'],
  ])('%s %s: the path exists, Allow: %s', (method, path, allow) => {
    expect(table().find(method, path)).toEqual({ allow });
  });

  it.each([
    ['GET', '/'],
    ['GET', '/nope'],
    ['GET', '/authors//'],
    ['GET', '/authors//with-books'],
    ['GET', '/authors/1/2/3/4'],
    ['GET', '/books/'],
    ['GET', '/docs'], // known, served elsewhere: passed on
    ['GET', '/AUTHORS/'], // paths are case-sensitive
    ['GET', '/authors/7/With-Books'],
    ['PATCH', '/AUTHORS'],
  ])('%s %s: not this table’s (404 or a later middleware)', (method, path) => {
    expect(table().find(method, path)).toBeUndefined();
  });

  it('a malformed escape in a parameter is the client’s error (400), as in Express', () => {
    expect(() => table().find('GET', '/authors/%E0%A4%A')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
