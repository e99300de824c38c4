import { CommandError } from '../errors/user-error.ts';

/** `--env local` with the URLs of the databases we resolved (see atlas.hcl). */
export function targetFlags(targets: { migrate: string; dev?: string | undefined }, url = targets.migrate): string[] {
  const flags = ['--env', 'local', '--var', `url=${atlasUrl(url)}`];
  if (targets.dev) flags.push('--var', `dev_url=${atlasUrl(targets.dev)}`);
  return flags;
}

/**
 * The scratch (dev) database, or a CommandError saying why it is needed and how to set it.
 * `why` names the step, e.g. "the migration gate checks the 2 pending migration(s) there before they run".
 */
export function requireDev(targets: { dev?: string | undefined }, why = 'Atlas diffs and replays migrations there'): string {
  if (!targets.dev) {
    throw new CommandError(
      `ATLAS_DEV_URL is not set. With DATABASE_URL set, ${why}: set ATLAS_DEV_URL to an empty scratch database of its own ` +
        'that Atlas may wipe (on Neon: a branch), never one with data.',
      2,
    );
  }
  return targets.dev;
}

/**
 * The URL form Atlas wants: scoped to the `public` schema, so migrations hold
 * unqualified SQL and the revisions table lives beside the app's tables;
 * without libpq options that Atlas's driver does not know.
 */
export function atlasUrl(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('search_path')) parsed.searchParams.set('search_path', 'public');
  // Neon's connection strings end in `channel_binding=require`; Atlas's
  // driver (lib/pq) knows no such option and sends it to the server as a
  // setting, which fails: "unrecognized configuration parameter".
  parsed.searchParams.delete('channel_binding');
  // libpq 16's `sslrootcert=system` (the OS's CAs) is a file name to lib/pq
  // ("open system: no such file"); without it, lib/pq's verify-full uses the
  // OS's CAs anyway.
  if (parsed.searchParams.get('sslrootcert') === 'system') parsed.searchParams.delete('sslrootcert');
  return parsed.toString();
}
