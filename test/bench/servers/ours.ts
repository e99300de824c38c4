import { createLogger } from '../../../src/config/logger.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { closeOnSignals, startServer } from '../../../src/server.ts';
import { answerTheBench } from './bench-ipc.ts';

/**
 * Bench server (i), OURS as users run it: `npm start`'s startServer with
 * DATABASE_URL set (so no migrations, no seeding), the app's own pool, and
 * pino at info level writing one line per request to stdout, which the
 * bench points at a log file. SIGTERM closes it cleanly (so --cpu-prof can
 * write its profile).
 */
const config = parseEnv(process.env);
const logger = createLogger(config.LOG_LEVEL);
const running = await startServer(config, logger);
closeOnSignals(running, logger);
process.send?.({ listening: running.url });
answerTheBench();
