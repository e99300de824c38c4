import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { ownCluster, type OwnCluster } from './cluster.ts';

/**
 * A Postgres that, like Neon, accepts TLS only.
 *
 * - `openssl` makes a throwaway CA and a server certificate for the name
 *   `localhost` only (no IP entry), plus an unrelated "wrong" CA.
 * - The cluster runs with ssl=on and a pg_hba that rejects every non-TLS
 *   connection (`hostnossl ... reject`) and wants SCRAM over TLS.
 *
 * Connect as `localhost` with `sslmode=verify-full&sslrootcert=<ca.pem>`;
 * `127.0.0.1` is the same server under a name the certificate lacks.
 */
interface Certificates {
  /** The CA that signed the server certificate. */
  ca: string;
  /** A CA that signed nothing the server presents. */
  wrongCa: string;
  serverCert: string;
  serverKey: string;
}

export interface TlsPostgres extends OwnCluster {
  certs: Certificates;
  /** A URL for `database`, with `params` as its query string (no sslmode by default). */
  url(database: string, params?: Record<string, string>, host?: string): string;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCertificates(dir: string): Certificates {
  mkdirSync(dir, { recursive: true });
  const days = ['-days', '2'];
  const rsa = ['-newkey', 'rsa:2048', '-nodes'];
  for (const name of ['ca', 'wrong-ca']) {
    openssl(dir, ['req', '-x509', ...rsa, ...days, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=bookshelf test ${name}`]);
  }
  openssl(dir, ['req', ...rsa, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName = DNS:localhost\nextendedKeyUsage = serverAuth\n');
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    ...days,
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  ]);
  const certs: Certificates = {
    ca: path.join(dir, 'ca.pem'),
    wrongCa: path.join(dir, 'wrong-ca.pem'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
  };
  // Postgres wants its key private to the user it runs as.
  for (const file of ['ca.pem', 'wrong-ca.pem', 'server.pem']) chmodSync(path.join(dir, file), 0o644);
  chmodSync(certs.serverKey, 0o600);
  if (userInfo().uid === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(certs.serverKey, id('-u'), id('-g'));
  }
  return certs;
}

const tlsOnlyHba = `# TLS only, as on Neon: plain TCP is turned away before authentication.
hostnossl all all 0.0.0.0/0 reject
hostnossl all all ::/0      reject
hostssl   all all 127.0.0.1/32 scram-sha-256
`;

export async function startTlsPostgres(): Promise<TlsPostgres> {
  let certs: Certificates | undefined;
  const own = await ownCluster({
    settings: (dir) => {
      certs = makeCertificates(path.join(dir, 'certs'));
      const hbaFile = path.join(dir, 'pg_hba_tls_only.conf');
      writeFileSync(hbaFile, tlsOnlyHba, { mode: 0o644 });
      return { ssl: 'on', ssl_cert_file: certs.serverCert, ssl_key_file: certs.serverKey, hba_file: hbaFile };
    },
  });
  await own.start();
  const { user, password, port } = own.cluster;
  return {
    ...own,
    certs: certs!,
    url(database, params = {}, host = 'localhost') {
      const query = new URLSearchParams(params).toString();
      return `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}${query ? `?${query}` : ''}`;
    },
  };
}
