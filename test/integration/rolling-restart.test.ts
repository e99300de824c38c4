import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';
import { useServerDatabase } from '../support/server-database.ts';

/**
 * Issue 21: a rolling restart under load drops no request. Two instances
 * behind a load balancer as the test plays it: requests go, over keep-alive
 * connections, to an instance whose last /readyz answered 200; a connection
 * that is refused was never sent, so the balancer sends it elsewhere (as
 * nginx's proxy_next_upstream error and Envoy's connect-failure retry do).
 * A request that was sent and got no answer (a reset, a closed socket) is a
 * dropped request. The old instance gets SIGTERM while loaded.
 */
const database = useServerDatabase();

interface Backend {
  port: number;
  ready: boolean;
  served: number;
}

function get(agent: Agent, port: number, path: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a rolling restart under load', () => {
  it('SIGTERM to the old instance (SHUTDOWN_DELAY_MS): /readyz fails first, answers close their connections, then it stops; no request is dropped', async () => {
    const ports = [await freePort(), await freePort()];
    const start = (port: number) =>
      runEntrypoint('src/main.ts', database.env({ PORT: String(port), SHUTDOWN_DELAY_MS: '1500', LOG_LEVEL: 'warn' }));
    const servers: RunningProcess[] = [];
    const backends: Backend[] = ports.map((port) => ({ port, ready: false, served: 0 }));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const probeAgent = new Agent({ keepAlive: false });
    let running = true;
    const dropped: string[] = [];
    try {
      servers.push(start(ports[0]!));
      // The balancer's health checks: every 100 ms.
      const checks = (async () => {
        while (running) {
          for (const backend of backends) {
            backend.ready = await get(probeAgent, backend.port, '/readyz').then(
              (answer) => answer.status === 200,
              () => false,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      while (!backends[0]!.ready) await new Promise((resolve) => setTimeout(resolve, 50));

      const client = async () => {
        let turn = 0;
        while (running) {
          const ready = backends.filter((backend) => backend.ready);
          if (ready.length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            continue;
          }
          const backend = ready[turn++ % ready.length]!;
          try {
            const answer = await get(agent, backend.port, '/authors');
            if (answer.status !== 200) dropped.push(`${backend.port}: ${answer.status}`);
            backend.served++;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (code === 'ECONNREFUSED')
              backend.ready = false; // never sent: the balancer takes it out and retries elsewhere
            else dropped.push(`${backend.port}: ${code ?? (error as Error).message}`);
          }
        }
      };
      const clients = Array.from({ length: 6 }, () => client());

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      servers.push(start(ports[1]!)); // the new instance
      while (!backends[1]!.ready) await new Promise((resolve) => setTimeout(resolve, 50));
      const oldServedBefore = backends[0]!.served;
      servers[0]!.child.kill('SIGTERM');
      // While it drains, its answers say `Connection: close` (asked directly, not through the balancer: under load the
      // balancer's next health check may take it out before any of the clients' requests reach it while it drains).
      const drainAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      const closeSeen = (async () => {
        for (;;) {
          const answer = await get(drainAgent, ports[0]!, '/authors').catch(() => undefined);
          if (!answer) return false; // it stopped before any answer said so
          if (answer.status !== 200) dropped.push(`${ports[0]}: ${answer.status} (direct)`);
          if (answer.connection === 'close') return true;
        }
      })();
      const exit = await servers[0]!.exited;
      drainAgent.destroy();
      await new Promise((resolve) => setTimeout(resolve, 500));
      running = false;
      await Promise.all([...clients, checks]);

      expect(exit.code).toBe(0);
      expect(dropped).toEqual([]);
      expect(backends[0]!.served).toBeGreaterThan(oldServedBefore); // it kept serving while it drained
      expect(await closeSeen).toBe(true); // and told clients to go elsewhere
      expect(backends[1]!.served).toBeGreaterThan(50);
      expect(servers[0]!.output()).not.toMatch(/"level":50/);
    } finally {
      running = false;
      agent.destroy();
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
    }
  }, 120_000);
});
