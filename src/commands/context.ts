import { env, type Env } from '../config/env.ts';
import { repoRoot } from '../project/paths.mjs';
import { resolveTargets, type Targets } from '../postgres/targets.ts';

/** This checkout's configuration: the environment and its `.env`, validated once. */
export function projectConfig(): Env {
  return env(repoRoot);
}

/** The databases a command works on (starting the embedded Postgres when DATABASE_URL is unset), progress on stdout. */
export function commandTargets(log: (line: string) => void = (line) => console.log(line), config: Env = projectConfig()): Promise<Targets> {
  return resolveTargets(log, config);
}
