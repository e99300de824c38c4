import { CommandError } from './atlas.ts';
import { atlasUrl, type Targets } from '../db/targets.ts';

/** `--env local` with the URLs of the databases we resolved (see atlas.hcl). */
export function targetFlags(targets: Pick<Targets, 'migrate' | 'dev'>, url = targets.migrate): string[] {
  const flags = ['--env', 'local', '--var', `url=${atlasUrl(url)}`];
  if (targets.dev) flags.push('--var', `dev_url=${atlasUrl(targets.dev)}`);
  return flags;
}

export function requireDev(targets: Pick<Targets, 'dev'>): string {
  if (!targets.dev) {
    throw new CommandError(
      'ATLAS_DEV_URL is not set. With DATABASE_URL set, Atlas needs an empty scratch database of its own ' +
        '(e.g. a Neon branch): set ATLAS_DEV_URL to it.',
      2,
    );
  }
  return targets.dev;
}
