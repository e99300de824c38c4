import v8 from 'node:v8';

/**
 * Bounds how much garbage the server's heap holds between full GCs.
 *
 * Under load, objects that outlive a young-generation GC (what Express and
 * Node allocate for a request, held until the next request on its keep-alive
 * connection) are promoted to the old generation and die there. V8 runs
 * the next full GC when the old generation reaches a multiple of what
 * survived the last one, up to 4× when the process is busy and the GCs are
 * fast; with a live heap of about 17 MB that multiple is most of the peak RSS
 * (see docs/performance.md). `percent` sets it to 1 + percent/100; 0 leaves
 * V8's heuristic alone.
 *
 * V8 reads the flag at every full GC, so setting it after start-up takes
 * effect from the next one. A `--heap-growing-percent` given to node
 * itself wins.
 */
export function limitHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): void {
  if (percent === 0) return;
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Turns off V8's allocation-site pretenuring for the server's lifetime.
 *
 * V8 watches where objects are made; when nearly all the objects of one
 * allocation site survive a young-generation GC, it starts making that site's
 * objects directly in the old generation. A request's objects that wait for
 * Postgres are such survivors, so under load V8 moved one of them there
 * (`node --trace-pretenuring` shows the site flip to "tenure"). Each of those
 * old objects then pointed at the young rows and page text the query
 * returned, and an old object, live or not, keeps what it points at alive
 * through every young-generation GC until the next full one: the whole page
 * was promoted on every request (8.6 KB a request on the 50-row
 * `GET /authors` of docs/performance.md, 1.5 KB on the by-author read), full
 * GCs followed, and that read set the peak RSS. Without pretenuring:
 * 9–34 bytes a request, no full GC under load, a peak 9–16 MB lower.
 *
 * Set at start, before the first request; V8 consults it at every GC. A
 * `--allocation-site-pretenuring` (or `--no-…`) given to node itself wins.
 *
 * @example
 *   stopPretenuring(); // in startServer, next to limitHeapGrowth
 */
export function stopPretenuring(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => /^--(no-)?allocation[-_]site[-_]pretenuring\b/.test(arg))) return;
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
