import { stopEmbedded } from '../db/embedded.ts';
import { embeddedCluster } from '../db/targets.ts';

/** `npm run db:stop`: stops the embedded Postgres; its data stays. */
export default async function dbStop(): Promise<void> {
  const wasRunning = await stopEmbedded(embeddedCluster());
  console.log(wasRunning ? 'Postgres stopped (data kept in .pgdata/).' : 'Postgres was not running.');
}
