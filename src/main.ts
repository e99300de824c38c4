import { env } from './config/env.ts';
import { createLogger } from './config/logger.ts';
import { redactSecrets } from './config/redact.ts';
import { formatUserError, UserError } from './errors/user-error.ts';
import { repoRoot } from './project/paths.mjs';
import { closeOnSignals, startServer } from './server.ts';

/**
 * `npm start` (bundled to dist/server.mjs by `npm run build`): serve until
 * SIGTERM/SIGINT. A configuration that cannot work (a bad variable, PORT in
 * use) is a message for the person starting the server: plain lines on
 * stderr and exit 1, not a JSON log line with its line breaks escaped.
 */
let logger = createLogger('info');
try {
  const config = env(repoRoot);
  logger = createLogger(config.LOG_LEVEL);
  const running = await startServer(config, logger);
  closeOnSignals(running, logger);
} catch (error) {
  if (error instanceof UserError) {
    // Something the person starting the server can fix (configuration, a refused migration, a database out of
    // reach): plain lines on stderr, as the db:* commands print it, not one JSON log line with escaped line breaks.
    process.stderr.write(`${redactSecrets(formatUserError(error))}\n`);
  } else {
    logger.fatal(redactSecrets(error instanceof Error ? error.message : String(error)));
  }
  process.exit(1);
}
