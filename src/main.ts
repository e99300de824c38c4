import { ConfigError, env } from './config/env.ts';
import { createLogger } from './config/logger.ts';
import { redactSecrets } from './config/redact.ts';
import { closeOnSignals, startServer } from './server.ts';

/**
 * `npm start` (bundled to dist/server.mjs by `npm run build`): serve until
 * SIGTERM/SIGINT. A configuration that cannot work (a bad variable, PORT in
 * use) is a message for the person starting the server: plain lines on
 * stderr and exit 1, not a JSON log line with its line breaks escaped.
 */
let logger = createLogger('info');
try {
  const config = env();
  logger = createLogger(config.LOG_LEVEL);
  const running = await startServer(config, logger);
  closeOnSignals(running, logger);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${redactSecrets(error.message)}\n`);
  } else {
    logger.fatal(redactSecrets(error instanceof Error ? error.message : String(error)));
  }
  process.exit(1);
}
