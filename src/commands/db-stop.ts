import { projectConfig } from './context.ts';
import { stopEmbedded } from '../postgres/embedded.ts';
import { embeddedCluster } from '../postgres/targets.ts';

/** `npm run db:stop`: stops the embedded Postgres; its data stays. */
export default async function dbStop(): Promise<void> {
  const wasRunning = await stopEmbedded(embeddedCluster(projectConfig()));
  console.log(wasRunning ? 'Postgres stopped (data kept in .pgdata/).' : 'Postgres was not running.');
}
