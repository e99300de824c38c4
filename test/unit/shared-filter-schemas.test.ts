import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { routes } from '../../src/http/app.ts';

/**
 * A zod schema holds 8–12 KB of the heap. A list's filters made six per
 * indexed column, again for each list of a resource: most of the server's
 * live heap beyond Node's own, and so of its peak RSS. They are made once per
 * resource, column and kind now.
 */
const served = routes({} as never);
const queryShape = (path: string) => {
  const route = served.find((r) => r.method === 'get' && r.path === path)!;
  return (route.query as z.ZodObject).shape as Record<string, z.ZodType>;
};

describe('the filters of a resource’s lists', () => {
  it('share one schema for the four range operators of a column', () => {
    const books = queryShape('/books');
    expect(books['id.gt']).toBeDefined();
    expect(new Set([books['id.gt'], books['id.gte'], books['id.lt'], books['id.lte']]).size).toBe(1);
    expect(books['id.gt']).not.toBe(books.id);
  });

  it('share their schemas between the lists of one resource', () => {
    const list = queryShape('/books');
    const byAuthor = queryShape('/books/{author_id}');
    expect(byAuthor.id).toBe(list.id);
    expect(byAuthor['id.in']).toBe(list['id.in']);
    expect(byAuthor.limit).toBe(list.limit);
    expect(queryShape('/authors').limit).toBe(list.limit);
  });
});
