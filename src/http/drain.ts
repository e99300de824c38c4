import { HttpProblem } from './problems.ts';

/**
 * The first phase of a graceful stop behind a load balancer. A load balancer
 * learns that an instance is going away from its readiness check, some
 * seconds after SIGTERM (its interval × failure threshold; in Kubernetes the
 * endpoint removal races the signal). Closing the listener at once would
 * refuse, or reset, requests it still sends meanwhile. So for
 * SHUTDOWN_DELAY_MS the instance keeps serving while `/readyz` answers 503
 * and every answer says `Connection: close`, so that clients and proxies
 * open their next connection elsewhere; only then does it stop listening
 * and finish what is in flight (server.ts).
 */
export interface Drain {
  draining: boolean;
}

/** /readyz's answer while draining: expected, so the error handler does not log it as a failure (the request line has it). */
export class ShuttingDown extends HttpProblem {
  constructor() {
    super(503, 'Shutting Down', 'This instance is stopping; send requests to another one.', undefined, { 'retry-after': '1' });
  }
}

export const shuttingDown = () => new ShuttingDown();
