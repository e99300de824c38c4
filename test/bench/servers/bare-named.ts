import { serveBareFloor } from './bare-floor.ts';

/**
 * Bench server (iii'), the NAMED BARE FLOOR: bare.ts with every query a named
 * prepared statement, as ours' are, so the two differ only in what ours adds
 * in Node (routing, validation, logging, headers), not in Postgres' parse and plan.
 */
serveBareFloor({ named: true });
