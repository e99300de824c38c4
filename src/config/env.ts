import { z } from 'zod';
import { UserError } from '../errors/user-error.ts';
import { loadDotenv } from './dotenv.mjs';
import { embeddedMajors, type EmbeddedMajor } from './embedded-majors.ts';

/**
 * Everything bookshelf reads from the environment, validated once.
 * A `.env` file at the repository root is loaded first (real variables win).
 */
const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL')
  .refine(
    (value) => URL.canParse(value),
    'is not a valid URL. If the user or password holds one of : / @ # ? % [ ] or a space, percent-encode it ' +
      "(/ is %2F, : is %3A, @ is %40, # is %23): node -p 'encodeURIComponent(process.argv[1])' 'the-password'",
  );

/** A whole number in [min, max]; the message says so, instead of zod's "expected number, received NaN". */
function integer(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}

/** An http(s) URL's origin, as browsers send it in `Origin` (no path, no trailing slash). */
const origin = z
  .string()
  .trim()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) && new URL(value).origin === value.replace(/\/$/, ''),
    'each must be an origin such as https://app.example.com (scheme, host, optional port; no path)',
  )
  .transform((value) => new URL(value).origin);

/** One of API_TOKENS: the secret, and the caller's name if it has one. */
interface ApiToken {
  name?: string;
  secret: string;
}

/** A caller's name: what a resource's `access` lists (src/http/resource-routes.ts checks the same). */
const callerName = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * API_TOKENS, comma-separated: `<secret>` (any caller) or `<name>:<secret>`. An
 * entry whose text before its first `:` is a caller name (a-z, then a-z 0-9 _ -,
 * at most 32; spaces around it are dropped) is named; any other is a bare secret, `:` and all, and a leading
 * `:` makes the rest a bare secret whatever it holds (`:ops:…`). Errors name
 * the caller or the entry's place, never the secret.
 */
function apiTokens(value: string, context: z.RefinementCtx<string>): ApiToken[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry, index) => {
    const named = entry.startsWith(':') ? undefined : /^([^:]*):(.*)$/s.exec(entry);
    const token: ApiToken =
      named && callerName.test(named[1]!.trim())
        ? { name: named[1]!.trim(), secret: named[2]!.trim() }
        : { secret: entry.replace(/^:/, '') };
    if (token.secret.length < 16) {
      const which = token.name ? `the token of ${token.name}` : entries.length > 1 ? `token ${index + 1}` : 'the token';
      context.addIssue({ code: 'custom', message: `each token must be at least 16 characters (e.g. openssl rand -hex 32): ${which}` });
    }
    return token;
  });
}

const flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no', '']).transform((value) => ['1', 'true', 'yes'].includes(value));

const schema = z.object({
  /** The app's database; on Neon the pooled (`-pooler`) endpoint. Unset: the embedded Postgres. */
  DATABASE_URL: postgresUrl.optional(),
  /** Where migrations run; on Neon the direct endpoint. Defaults to DATABASE_URL. */
  DIRECT_DATABASE_URL: postgresUrl.optional(),
  /** Atlas's empty scratch database (e.g. a Neon branch). Unset: one beside the embedded Postgres. */
  ATLAS_DEV_URL: postgresUrl.optional(),
  PORT: integer(0, 65535).default(8000),
  /**
   * The address to listen on. Unset (or empty): 127.0.0.1 while writes are open (no API_TOKENS), so that
   * nobody else on the network can write; 0.0.0.0 (every interface) once writes need a token. See listenHost.
   */
  HOST: z
    .string()
    .optional()
    .transform((value) => value || undefined),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Bearer tokens that may write (POST, PATCH, DELETE), comma-separated, each at least 16 characters; `name:<secret>`
   * gives the caller a name a resource's `access` can list (docs/resources.md). See apiTokens.
   * Needed when the server runs against a database other than the local embedded one.
   */
  API_TOKENS: z.string().transform(apiTokens).default([]),
  /** `token`: reads need a token too. */
  API_READS: z.enum(['public', 'token']).default('public'),
  /** Open writes to anyone without a token, against a remote database too (explicitly, never by default). */
  ALLOW_ANONYMOUS_WRITES: flag.default(false),
  /**
   * Read replicas, comma-separated (e.g. Neon read replica endpoints): GET requests read from them, everything
   * else goes to DATABASE_URL. See docs/production.md (read-your-writes: the `x-read-after-lsn` header).
   */
  DATABASE_READ_URL: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(postgresUrl))
    .default([]),
  /** A replica lagging more than this behind the primary is taken out (reads go to the primary) until it catches up. */
  DATABASE_READ_MAX_LAG_MS: integer(0, 3_600_000).default(5_000),
  /** How long a read presenting `x-read-after-lsn` waits for a replica to replay it before it reads the primary. */
  DATABASE_READ_WAIT_MS: integer(0, 60_000).default(500),
  /** How often the replicas' state and lag are checked. */
  DATABASE_READ_CHECK_MS: integer(50, 600_000).default(1_000),
  /** Serve Prometheus metrics at /metrics on this port (a listener of its own, not the API's). Unset: metrics off. */
  METRICS_PORT: integer(0, 65535).optional(),
  /** The metrics listener's address: loopback by default; any other needs METRICS_TOKEN. */
  METRICS_HOST: z.string().trim().default('127.0.0.1'),
  /** A bearer token scrapes must send (`Authorization: Bearer …`), at least 16 characters; required off loopback. */
  METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  /** Apply pending migrations before serving, also when DATABASE_URL is set. */
  MIGRATE_ON_START: flag.default(false),
  /** Connections in the app's pool. */
  DATABASE_POOL_SIZE: integer(1, 200).default(10),
  /** The hot queries as named prepared statements (src/db/named-statements.ts); 0 sends every query unprepared. */
  DATABASE_PREPARED_STATEMENTS: flag.default(true),
  EMBEDDED_PG_PORT: integer(1024, 65535).default(54329),
  EMBEDDED_PG_DIR: z.string().default('.pgdata'),
  /**
   * Tables in the database that schema.sql does not manage, comma-separated
   * (default: Alembic's alembic_version, which adopted databases keep): left
   * out of drift checks and adoption.
   */
  SCHEMA_EXCLUDE: z
    .string()
    .default('alembic_version')
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z_][a-z0-9_$]*$/i, 'each must be a plain table name'))),
  /** The embedded Postgres' major version: 17, or 15 (e.g. to match a Neon project on 15). */
  EMBEDDED_PG_VERSION: z.coerce
    .number()
    .refine((value) => (embeddedMajors as readonly number[]).includes(value), 'must be 17 or 15 (the versions bookshelf ships)')
    .transform((value) => value as EmbeddedMajor)
    .default(17),
  /**
   * How far V8 lets the old generation grow past what survived the last full
   * GC before it runs the next one: 50 means to 1.5×. 0 keeps V8's own
   * heuristic (up to 4×). See src/config/heap.ts.
   */
  HEAP_GROWTH_PERCENT: integer(0, 1000).default(50),
  /**
   * Each migration's lock_timeout: how long a statement may wait for a lock
   * (behind a long transaction) before it gives up; meanwhile every later
   * query on that table waits behind it. 0: wait forever (Postgres' default).
   */
  MIGRATION_LOCK_TIMEOUT_MS: integer(0, 600_000).default(2_000),
  /** How often a migration that timed out on a lock is retried (its transaction rolled back), with doubling backoff. */
  MIGRATION_LOCK_RETRIES: integer(0, 20).default(3),
  /** The first retry's backoff; each next one doubles (2, 4, 8 s by default). */
  MIGRATION_LOCK_RETRY_DELAY_MS: integer(0, 600_000).default(2_000),
  /** How long a client may take to send a request's headers (Node's default is 60 s). */
  HTTP_HEADERS_TIMEOUT_MS: integer(1, 3_600_000).default(10_000),
  /** How long a client may take to send a whole request, body included (Node's default is 300 s); then a 408. */
  HTTP_REQUEST_TIMEOUT_MS: integer(1, 3_600_000).default(30_000),
  /**
   * On SIGTERM/SIGINT, how long to keep serving with /readyz failing and `Connection: close` on every answer before
   * the listener closes: long enough for a load balancer to take the instance out (docs/production.md). 0: close at once.
   */
  SHUTDOWN_DELAY_MS: integer(0, 600_000).default(0),
  /** How long an idle keep-alive connection stays open; behind a proxy, make it longer than the proxy's. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1, 3_600_000).default(5_000),
  /**
   * The URL clients reach the API at (e.g. https://api.example.com, or behind a
   * path prefix): the OpenAPI document's `servers`. Unset: `/`, the server the
   * document was fetched from.
   */
  PUBLIC_URL: z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http:// or https:// URL')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  /**
   * Browser origins allowed to call the API across origins (CORS), comma-separated.
   * Unset: CORS is off, and browsers keep other sites' pages from reading answers.
   */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  /** The OpenAPI document's contact: a URL, or an e-mail address. */
  API_CONTACT: z.string().trim().optional(),
  /** The OpenAPI document's license: an SPDX identifier (default UNLICENSED, as npm says of a private package). */
  API_LICENSE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.+-]+$/, 'must be an SPDX license identifier such as MIT or Apache-2.0')
    .default('UNLICENSED'),
});

export type Env = z.infer<typeof schema>;

/** Every variable bookshelf reads (docs/configuration.md lists them all). */
export const configVariables = Object.keys(schema.shape) as (keyof Env)[];

/** A variable that cannot work: every bad one is named, exit 1 before anything starts. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(message: string) {
    super(message, { code: 'CONFIG_INVALID' });
  }
}

/** Parses an environment; every bad variable is named in one error. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  // `DATABASE_URL=` (empty, as .env templates have it) means unset.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration (set these in the environment or in .env):\n${lines.join('\n')}`);
}

let loaded: Env | undefined;

/**
 * The validated environment of this process, with `<root>/.env` loaded first
 * (real variables win). Only entry points call it (src/main.ts, the commands);
 * everything below takes its configuration as a parameter.
 */
export function env(root: string): Env {
  if (!loaded) {
    loadDotenv(root);
    loaded = parseEnv(process.env);
  }
  return loaded;
}

/** The defaults, for callers (tests, benches) that pass no configuration of their own. */
export const defaultEnv: Env = parseEnv({});
