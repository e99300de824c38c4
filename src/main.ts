import pino from 'pino';
import { env } from './config/env.ts';
import { redactSecrets } from './config/redact.ts';
import { closeOnSignals, startServer } from './server.ts';

/** `npm start` (bundled to dist/server.mjs by `npm run build`): serve until SIGTERM/SIGINT. */
let logger = pino();
try {
  const config = env();
  logger = pino({ level: config.LOG_LEVEL });
  const running = await startServer(config, logger);
  closeOnSignals(running, logger);
} catch (error) {
  logger.fatal(redactSecrets(error instanceof Error ? error.message : String(error)));
  process.exit(1);
}
