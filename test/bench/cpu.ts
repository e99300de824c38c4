import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the machine's CPU went during a load run, from /proc alone (no
 * cgroups): the CPU time of process trees (a server, Postgres' postmaster
 * and its backends), of this process and of the children it has reaped
 * (wrk, once it exits), and of the whole machine (/proc/stat), which also
 * shows what other users of the machine took.
 */

/** USER_HZ: 100 on every Linux this runs on. */
const ticksPerSecond = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, then cutime + cstime (children reaped), in ticks. */
  own: number;
  reaped: number;
}

function procStat(pid: number | 'self'): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14-17.
    return {
      pid: Number(stat.slice(0, stat.indexOf(' '))),
      ppid: Number(fields[1]),
      own: Number(fields[11]) + Number(fields[12]),
      reaped: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) one process has used so far; NaN once it is gone. */
export function processCpuSeconds(pid: number): number {
  const stat = procStat(pid);
  return stat ? stat.own / ticksPerSecond : NaN;
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => procStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
}

/** CPU seconds used so far by each tree rooted at one of `roots` (live processes and the children they reaped). */
export function treeCpuSeconds(roots: number[]): Map<number, number> {
  const processes = allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out = new Map<number, number>();
  for (const root of roots) {
    let ticks = 0;
    const stack = processes.filter((p) => p.pid === root);
    while (stack.length) {
      const p = stack.pop()!;
      ticks += p.own + p.reaped;
      stack.push(...(children.get(p.pid) ?? []));
    }
    out.set(root, ticks / ticksPerSecond);
  }
  return out;
}

/** This process' own CPU seconds, and those of the children it has reaped (a finished wrk). */
export function selfCpuSeconds(): { own: number; reaped: number } {
  const self = procStat('self')!;
  return { own: self.own / ticksPerSecond, reaped: self.reaped / ticksPerSecond };
}

/** The machine's busy and total CPU seconds so far, over all cores (/proc/stat's `cpu` line; idle and iowait are not busy). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / ticksPerSecond, total: (busy + idle! + iowait!) / ticksPerSecond };
}
