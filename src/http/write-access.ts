import type { AuthOptions } from './auth.ts';
import { ConfigError, type Env } from '../config/env.ts';

/**
 * Who may write, decided at start-up: against the local embedded database
 * (no DATABASE_URL) writes are open unless API_TOKENS is set; against any
 * other database they need a token, and starting without one is refused
 * unless writes are opened explicitly (ALLOW_ANONYMOUS_WRITES=1). With
 * tokens set, they are required whatever else is set.
 */
export function writeAccess(config: Env): AuthOptions {
  const remote = Boolean(config.DATABASE_URL);
  if (remote && config.API_TOKENS.length === 0 && !config.ALLOW_ANONYMOUS_WRITES) {
    throw new ConfigError(
      [
        'Refusing to start: DATABASE_URL is set (not the local embedded database) and API_TOKENS is not,',
        'so anyone who can reach the server could change and delete every author and book.',
        '  Set API_TOKENS to one or more secrets (comma-separated, at least 16 characters each), e.g.',
        '    API_TOKENS=$(openssl rand -hex 32)',
        '  and send them as `Authorization: Bearer <token>` on POST, PATCH and DELETE;',
        '  or open writes to everyone, explicitly: ALLOW_ANONYMOUS_WRITES=1.',
      ].join('\n'),
    );
  }
  return { tokens: config.API_TOKENS, reads: config.API_READS };
}
