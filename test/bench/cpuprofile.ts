import { readFileSync } from 'node:fs';

/**
 * A tiny .cpuprofile summariser (the JSON `node --cpu-prof` writes): self
 * time per function and per area (package, node internals, our src/),
 * as a percentage of the busy (non-idle) time.
 *
 *   npx tsx test/bench/cpuprofile.ts path/to/file.cpuprofile [top] [requests served]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface SelfTime {
  name: string;
  area: string;
  ms: number;
  share: number;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const src = url.search(/\/(src|test)\//);
  if (src >= 0) return url.slice(src + 1);
  return url;
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  if (url.startsWith('node:')) return 'node internals';
  const short = shortUrl(url);
  if (url.includes('/node_modules/')) {
    const parts = short.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return short.split('/').slice(0, 2).join('/');
}

function selfTimes(profile: CpuProfile): { functions: SelfTime[]; areas: SelfTime[]; busyMs: number; idleMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functionMs = new Map<string, { area: string; us: number }>();
  const areaUs = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      return;
    }
    busy += us;
    const area = areaOf(url, functionName);
    const name = `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;
    const entry = functionMs.get(name) ?? { area, us: 0 };
    entry.us += us;
    functionMs.set(name, entry);
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
  });
  const functions = [...functionMs].map(([name, { area, us }]) => ({ name, area, ms: us / 1000, share: us / busy }));
  const areas = [...areaUs].map(([name, us]) => ({ name, area: name, ms: us / 1000, share: us / busy }));
  functions.sort((a, b) => b.ms - a.ms);
  areas.sort((a, b) => b.ms - a.ms);
  return { functions, areas, busyMs: busy / 1000, idleMs: idle / 1000 };
}

/** With `requests` (how many the profiled run served), also µs per request. */
export function summariseProfile(file: string, top = 25, requests?: number): string {
  const { functions, areas, busyMs, idleMs } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const perRequest = (share: number) => (requests ? `${((share * busyMs * 1000) / requests).toFixed(1).padStart(6)} µs/req` : '');
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%${perRequest(share)}`;
  return [
    `busy ${busyMs.toFixed(0)} ms, idle ${idleMs.toFixed(0)} ms` +
      (requests ? `, ${requests} requests: ${((busyMs * 1000) / requests).toFixed(0)} µs of main-thread CPU per request` : ''),
    '',
    'self time by area:',
    ...areas.slice(0, 15).map((a) => `  ${pct(a.share)}  ${a.name}`),
    '',
    `top ${top} functions by self time:`,
    ...functions.slice(0, top).map((f) => `  ${pct(f.share)}  ${f.name}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top, requests] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx test/bench/cpuprofile.ts file.cpuprofile [top] [requests]');
    process.exit(2);
  }
  console.log(summariseProfile(file, Number(top ?? 25), requests ? Number(requests) : undefined));
}
