import v8 from 'node:v8';

/**
 * A bench server's side of its IPC channel with the bench (servers.ts):
 * - answers `{ memory: true }` with where this server's memory is:
 *   process.memoryUsage() and V8's heap spaces (MB);
 * - ends the server when the channel closes: the bench is gone (killed, or
 *   its terminal closed) and would otherwise leave the server running.
 */
export function answerTheBench(): void {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.on('message', (message: { memory?: boolean }) => {
    if (!message?.memory) return;
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const usage = process.memoryUsage();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((space) => [space.space_name, { size: mb(space.space_size), used: mb(space.space_used_size) }]),
    );
    process.send?.({
      memory: {
        rss: mb(usage.rss),
        heapTotal: mb(usage.heapTotal),
        heapUsed: mb(usage.heapUsed),
        external: mb(usage.external),
        arrayBuffers: mb(usage.arrayBuffers),
        spaces,
      },
    });
  });
}
