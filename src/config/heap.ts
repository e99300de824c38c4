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
