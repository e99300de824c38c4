import { serveBareFloor } from './bare-floor.ts';

/**
 * Bench server (iii), the BARE FLOOR: node:http and one pg.Pool, queries
 * unnamed (node-postgres' default: Postgres parses and plans each one).
 */
serveBareFloor({ named: false });
