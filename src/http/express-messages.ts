import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/**
 * Request and response classes for `http.createServer` whose objects are
 * born with the app's Express prototypes (`app.request`, `app.response`).
 *
 * Express gives every request and response its methods by swapping their
 * prototype (`Object.setPrototypeOf(req, app.request)`, the same for `res`)
 * as each request arrives. V8 pays for that on every object it is done to:
 * the objects change shape after construction, Node's own code then runs on
 * objects it has not seen, and they outlive the young-generation GC (measured
 * under wrk: an Express 5 app that answers a fixed JSON body promoted 6.7 KB
 * to the old generation per request and ran 26 full GCs in 6 s; with these
 * classes 0 bytes and none, and it served 2.8× the requests; see
 * docs/performance.md). Node lets a server choose these classes (the
 * `IncomingMessage` and `ServerResponse` options of `createServer`); when the
 * object already has the prototype Express sets, Express's swap changes
 * nothing. Requests and responses are the objects Express would make, with
 * the same prototype chain (`app.request` → Express's request → Node's).
 *
 * @example
 *   const server = http.createServer({ ...expressMessages(app) }, app);
 */
export function expressMessages(app: Express): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
  // Plain functions, not classes: Node's IncomingMessage and ServerResponse are functions that initialise `this`
  // (Node 20 calls them so itself: ServerResponse calls OutgoingMessage), and `new` gives the instance the function's
  // `prototype`, here the app's. (Reflect.construct with the app's prototype as new.target was slower than the swap.)
  function Request(this: IncomingMessage, ...args: ConstructorParameters<typeof IncomingMessage>) {
    IncomingMessage.apply(this, args);
  }
  Request.prototype = app.request;
  function Response(this: ServerResponse, ...args: ConstructorParameters<typeof ServerResponse>) {
    ServerResponse.apply(this, args);
  }
  Response.prototype = app.response;
  return { IncomingMessage: Request as unknown as typeof IncomingMessage, ServerResponse: Response as unknown as typeof ServerResponse };
}
