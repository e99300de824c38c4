import { atlas, failureLine } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';

/**
 * The migration files a database has not applied yet, oldest first:
 * `atlas migrate status` against it (its atlas_schema_revisions).
 */
export async function pendingMigrations(projectRoot: string, url: string, devUrl: string | undefined): Promise<string[]> {
  const status = await atlas(['migrate', 'status', ...targetFlags({ migrate: url, dev: devUrl }), '--format', '{{ json . }}'], {
    echo: false,
    cwd: projectRoot,
  });
  if (status.code !== 0) throw new Error(`atlas migrate status failed: ${failureLine(status)}`);
  const { Pending = [] } = JSON.parse(status.stdout) as { Pending?: { Name: string }[] | null };
  return (Pending ?? []).map((file) => file.Name);
}
