import { stopPretenuring } from '../../src/config/heap.ts';

/**
 * A process in which V8 would pretenure an allocation site: its objects live
 * across many young-generation GCs (in a ring), as a request's objects do
 * while they wait for Postgres. Run with --trace-pretenuring-statistics;
 * argv[2] `stop` calls stopPretenuring() first, as startServer does.
 */
if (process.argv[2] === 'stop') stopPretenuring();

const make = (i: number) => ({ i, pair: [i, i + 1] });
const ring: object[] = new Array(100_000);
for (let i = 0; i < 4_000_000; i++) ring[i % ring.length] = make(i);
console.log(`done ${ring.length}`);
