import { env, type Env } from '../config/env.ts';
import { repoRoot } from '../project/paths.mjs';
import { assertReachable } from '../postgres/reachable.ts';
import { resolveTargets, type Targets } from '../postgres/targets.ts';

/** This checkout's configuration: the environment and its `.env`, validated once. */
export function projectConfig(): Env {
  return env(repoRoot);
}

/** The databases a command works on (starting the embedded Postgres when DATABASE_URL is unset), progress on stdout. */
export async function commandTargets(
  log: (line: string) => void = (line) => console.log(line),
  config: Env = projectConfig(),
): Promise<Targets> {
  const targets = await resolveTargets(log, config);
  if (!targets.embedded) {
    // Said in our words before Atlas says `dial tcp …: connect: connection refused`.
    await assertReachable(targets.migrate, config.DIRECT_DATABASE_URL ? 'DIRECT_DATABASE_URL' : 'DATABASE_URL');
    if (targets.dev) await assertReachable(targets.dev, 'ATLAS_DEV_URL');
  }
  return targets;
}
