import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { sql } from '@databases/pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atlas } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { createPool } from '../../src/db/pool.ts';
import { startTlsPostgres, type TlsPostgres } from '../support/tls.ts';

/**
 * Neon accepts TLS only and presents a certificate for its host name. Here a
 * local Postgres does the same (test/support/tls.ts), and the app's pool and
 * the real Atlas CLI must connect with verify-full and refuse anything that
 * is not the server they were told to trust. No error may show the password.
 */
let server: TlsPostgres;
let password: string;
const errors: unknown[] = [];

beforeAll(async () => {
  server = await startTlsPostgres();
  password = server.cluster.password;
});
afterAll(async () => {
  await server?.dispose();
});

/** Opens our pool on `url`, runs one query, returns the row or the error. */
async function connect(url: string): Promise<{ ssl: boolean; version: string } | Error> {
  const poolErrors: Error[] = [];
  const pool = createPool({ url, size: 1, onError: (error) => poolErrors.push(error) });
  try {
    const [row] = await pool.query(sql`SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
    return row as { ssl: boolean; version: string };
  } catch (error) {
    errors.push(error, ...poolErrors);
    return error as Error;
  } finally {
    await pool.dispose();
  }
}

const verifyFull = () => ({ sslmode: 'verify-full', sslrootcert: server.certs.ca });

describe('our pool (createPool) against a TLS-only Postgres', () => {
  it('connects with sslmode=verify-full and the CA that signed the server certificate', async () => {
    expect(await connect(server.url('postgres', verifyFull()))).toEqual({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const result = await connect(server.url('postgres', { ...verifyFull(), sslrootcert: server.certs.wrongCa }));
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/verify|certificate/i);
  });

  it('sslmode=require verifies the certificate too (see src/postgres/tls.ts)', async () => {
    const result = await connect(server.url('postgres', { sslmode: 'require', sslrootcert: server.certs.wrongCa }));
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/verify|certificate/i);
    expect(await connect(server.url('postgres', { sslmode: 'require', sslrootcert: server.certs.ca }))).toMatchObject({ ssl: true });
  });

  it('refuses a host name the certificate does not carry (cert for localhost, connecting to 127.0.0.1)', async () => {
    const result = await connect(server.url('postgres', verifyFull(), '127.0.0.1'));
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/does not match certificate's altnames: IP: 127\.0\.0\.1/);
  });

  it('verify-ca checks the CA but not the name', async () => {
    expect(await connect(server.url('postgres', { sslmode: 'verify-ca', sslrootcert: server.certs.ca }, '127.0.0.1'))).toMatchObject({
      ssl: true,
    });
    expect(await connect(server.url('postgres', { sslmode: 'verify-ca', sslrootcert: server.certs.wrongCa }, '127.0.0.1'))).toBeInstanceOf(
      Error,
    );
  });

  it('sslmode=disable is turned away by the server', async () => {
    const result = await connect(server.url('postgres', { sslmode: 'disable' }));
    expect(result).toBeInstanceOf(Error);
    expect(result).toMatchObject({ code: '28000', message: expect.stringMatching(/pg_hba\.conf rejects connection .*no encryption/) });
  });

  it('a wrong password fails with 28P01 and names neither password', async () => {
    const url = new URL(server.url('postgres', verifyFull()));
    url.password = 'wrong-secret-42';
    const result = await connect(url.toString());
    expect(result).toMatchObject({ code: '28P01' });
    expect(inspect(result)).not.toContain('wrong-secret-42');
  });
});

describe('channel_binding=require (as in the connection strings Neon shows)', () => {
  /** The SASL mechanism each new connection picks, seen on the real driver. */
  const mechanisms: string[] = [];
  const proto = pg.Connection.prototype as unknown as { sendSASLInitialResponseMessage(mechanism: string, response: string): void };
  const original = proto.sendSASLInitialResponseMessage;
  beforeAll(() => {
    proto.sendSASLInitialResponseMessage = function (this: unknown, mechanism: string, response: string) {
      mechanisms.push(mechanism);
      return original.call(this, mechanism, response);
    };
  });
  afterAll(() => {
    proto.sendSASLInitialResponseMessage = original;
  });

  it('is accepted in the URL; @databases/pg cannot ask node-postgres for channel binding, so SCRAM-SHA-256 is used', async () => {
    mechanisms.length = 0;
    expect(await connect(server.url('postgres', { ...verifyFull(), channel_binding: 'require' }))).toMatchObject({ ssl: true });
    // node-postgres uses SCRAM-SHA-256-PLUS only with `enableChannelBinding: true`,
    // an option @databases/pg 6.1 does not pass on. The certificate check of
    // verify-full is what protects the connection.
    expect(mechanisms).toEqual(['SCRAM-SHA-256']);
  });

  it('the server offers SCRAM-SHA-256-PLUS, and node-postgres uses it when asked', async () => {
    mechanisms.length = 0;
    const client = new pg.Client({
      connectionString: server.url('postgres'),
      ssl: { ca: readFileSync(server.certs.ca, 'utf8'), host: 'localhost', rejectUnauthorized: true },
      enableChannelBinding: true,
    } as pg.ClientConfig);
    await client.connect();
    await client.end();
    expect(mechanisms).toEqual(['SCRAM-SHA-256-PLUS']);
  });
});

describe('Atlas (the pinned CLI) against the TLS-only Postgres', () => {
  async function status(params: Record<string, string>, host = 'localhost') {
    const url = server.url('postgres', { ...params, search_path: 'public' }, host);
    const result = await atlas(['migrate', 'status', '--url', url, '--dir', 'file://migrations'], { echo: false });
    errors.push(result.stdout + result.stderr);
    return result;
  }

  it('connects with verify-full + sslrootcert', async () => {
    const result = await status(verifyFull());
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Migration Status: PENDING') });
  });

  it('refuses the server with the wrong CA, and a name the certificate lacks', async () => {
    expect(await status({ ...verifyFull(), sslrootcert: server.certs.wrongCa })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('certificate signed by unknown authority'),
    });
    expect(await status(verifyFull(), '127.0.0.1')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("doesn't contain any IP SANs"),
    });
  });

  it('is turned away without TLS', async () => {
    expect(await status({ sslmode: 'disable' })).toMatchObject({ code: 1, stderr: expect.stringContaining('no encryption') });
  });

  it('chokes on channel_binding (lib/pq sends it as a setting), so our Atlas URLs drop it', async () => {
    expect(await status({ ...verifyFull(), channel_binding: 'require' })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unrecognized configuration parameter "channel_binding"'),
    });
    const neonStyle = server.url('postgres', { ...verifyFull(), channel_binding: 'require' });
    const result = await atlas(['migrate', 'status', ...targetFlags({ migrate: neonStyle, dev: undefined })], { echo: false });
    errors.push(result.stdout + result.stderr);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Migration Status: PENDING') });
  });

  it('reads sslrootcert=system as a file name, so our Atlas URLs drop it (verify-full then uses the OS CAs)', async () => {
    expect(await status({ sslmode: 'verify-full', sslrootcert: 'system' })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('open system: no such file'),
    });
    // Through atlasUrl the OS's CAs are used: they do not know our test CA.
    const url = server.url('postgres', { sslmode: 'verify-full', sslrootcert: 'system' });
    const result = await atlas(['migrate', 'status', ...targetFlags({ migrate: url, dev: undefined })], { echo: false });
    errors.push(result.stdout + result.stderr);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('certificate signed by unknown authority') });
  });

  it('does not verify with sslmode=require and no sslrootcert (lib/pq, unlike our pool): use verify-full', async () => {
    expect(await status({ sslmode: 'require' })).toMatchObject({ code: 0 });
  });
});

it('no error above shows the password', () => {
  expect(errors.length).toBeGreaterThan(5);
  for (const error of errors) {
    const text = typeof error === 'string' ? error : `${inspect(error)} ${(error as Error).stack ?? ''}`;
    expect(text).not.toContain(password);
  }
});
