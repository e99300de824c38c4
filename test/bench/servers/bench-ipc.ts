import v8 from 'node:v8';

/**
 * Answers the bench's IPC message `{ memory: true }` with where this
 * server's memory is: process.memoryUsage() and V8's heap spaces (MB).
 */
export function answerMemoryProbes(): void {
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
