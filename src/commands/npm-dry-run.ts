/**
 * `npm run db:apply --dry-run` (no `--`): npm reads `--dry-run` as its own
 * flag, passes no argument to the script and sets `npm_config_dry_run=true`
 * in its environment; npm itself still runs the script. Read literally, the
 * migration would be applied for real. A command that changes a database
 * treats this as its own --dry-run.
 */
export function npmTookDryRun(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment.npm_config_dry_run === 'true';
}
