import { limitHeapGrowth } from '../../src/config/heap.ts';

/**
 * A process whose old generation fills with garbage, as a server's does under
 * load: a fixed live set, and a stream of objects that live long enough to
 * be promoted, then die. Run with --trace-gc; argv[2] is the growth percent
 * (0: V8's own heuristic).
 */
limitHeapGrowth(Number(process.argv[2]));

const live: string[][] = [];
for (let i = 0; i < 500; i++) live.push(Array.from({ length: 1_000 }, (_, j) => `live ${i} ${j}`));

const ring: object[] = new Array(100_000);
for (let i = 0; i < 4_000_000; i++) ring[i % ring.length] = { i, text: `promoted ${i}`, more: [i, i + 1] };
console.log(`done ${live.length} ${ring.length}`);
