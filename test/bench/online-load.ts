/**
 * A steady, bounded mix of reads and writes against a server, for the online
 * changes bench: `lanes` lanes, each sending one request every `everyMs`
 * (sooner never: the load stays below saturation, so a stall shows as a slow
 * request rather than drowning in queueing). Every request is recorded with
 * its start and end, so a window (an apply) can be judged afterwards.
 */
export interface RequestRecord {
  kind: 'read' | 'write';
  start: number;
  end: number;
  ok: boolean;
  /** The HTTP status, 0 for a network error. */
  status: number;
}

export interface OnlineLoad {
  records: RequestRecord[];
  stop(): Promise<void>;
}

export interface OnlineLoadOptions {
  baseUrl: string;
  authorIds: number[];
  maxBookId: number;
  lanes: number;
  everyMs: number;
}

export function startOnlineLoad({ baseUrl, authorIds, maxBookId, lanes, everyMs }: OnlineLoadOptions): OnlineLoad {
  const records: RequestRecord[] = [];
  let running = true;
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
  const bookId = () => 1 + Math.floor(Math.random() * maxBookId);
  // 3 reads : 1 write; writes are inserts and title updates.
  const requests: (() => { kind: 'read' | 'write'; path: string; init?: RequestInit })[] = [
    () => ({ kind: 'read', path: `/books/${pick(authorIds)}` }),
    () => ({ kind: 'read', path: `/books/by-id/${bookId()}` }),
    () => ({ kind: 'read', path: `/authors/${pick(authorIds)}/with-books` }),
    () =>
      Math.random() < 0.5
        ? { kind: 'write', path: '/books', init: json('POST', { title: `Written under load ${Date.now()}`, author_id: pick(authorIds) }) }
        : { kind: 'write', path: `/books/by-id/${bookId()}`, init: json('PATCH', { title: `Retitled under load ${Date.now()}` }) },
  ];
  const done = Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; running; i++) {
      const { kind, path, init } = requests[i % requests.length]!();
      const start = performance.now();
      let ok: boolean;
      let status = 0;
      try {
        const response = await fetch(baseUrl + path, init);
        await response.arrayBuffer();
        status = response.status;
        // 404: a random id that a concurrent write has not made, or a deleted one; not a failure of the server.
        ok = response.status < 500;
      } catch {
        ok = false;
      }
      const end = performance.now();
      records.push({ kind, start, end, ok, status });
      const rest = everyMs - (end - start);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  });
  return {
    records,
    stop: async () => {
      running = false;
      await Promise.all(done);
    },
  };
}

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export interface WindowStats {
  requests: number;
  failed: number;
  maxMs: number;
  p99Ms: number;
  /** The failed requests by status (0: network error). */
  failures: Record<string, number>;
}

/**
 * The requests of [from, to]: those that overlapped it (an apply: a request
 * already waiting when it began is its victim too), or with `startedWithin`
 * only those that started in it (a baseline: not the tail of what came before).
 */
export function windowRecords(records: RequestRecord[], from: number, to: number, { startedWithin = false } = {}): RequestRecord[] {
  return records.filter((record) => (startedWithin ? record.start >= from : record.end >= from) && record.start <= to);
}

export function windowStats(records: RequestRecord[], from: number, to: number, options: { startedWithin?: boolean } = {}): WindowStats {
  return statsOf(windowRecords(records, from, to, options));
}

/** How many requests, how many failed (and with which status), the slowest and the 99th percentile. */
export function statsOf(inWindow: RequestRecord[]): WindowStats {
  const failures: Record<string, number> = {};
  for (const record of inWindow) if (!record.ok) failures[record.status] = (failures[record.status] ?? 0) + 1;
  const times = inWindow.map((record) => record.end - record.start).sort((a, b) => a - b);
  return {
    requests: inWindow.length,
    failed: inWindow.filter((record) => !record.ok).length,
    maxMs: times.at(-1) ?? NaN,
    p99Ms: times[Math.min(times.length - 1, Math.floor(0.99 * times.length))] ?? NaN,
    failures,
  };
}
