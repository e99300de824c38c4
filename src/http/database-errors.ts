const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the server terminated the connection (Neon suspending an idle compute)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
  '53300', // too_many_connections
  // The server answers but will not let us in: a wrong or rotated password,
  // a role or database that is gone. The database is unavailable to the app
  // all the same (503, logged as an error), not a bug in the request (500).
  '28000', // invalid_authorization_specification (e.g. no pg_hba entry)
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
]);

const unavailableMessages =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Timed out waiting|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

/** Whether an error means "the database is away" (answer 503) rather than a bug (500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && unavailableCodes.has(code)) || (typeof message === 'string' && unavailableMessages.test(message));
}
