import { cpus } from 'node:os';
import { machineCpuSeconds, selfCpuSeconds, treeCpuSeconds } from './cpu.ts';

/**
 * The CPU split of one load run, in cores (CPU seconds per second of the
 * run): the server under test, Postgres (postmaster and backends), the load
 * generator (wrk: the child this process reaped; autocannon: this process),
 * and others: what the machine spent beyond those and the bench itself (idle
 * servers, the bench process when wrk generates), i.e. other users of the
 * machine. `machine` is the whole machine's busy share (0–1 over all cores).
 */
export interface CpuSplit {
  server: number;
  postgres: number;
  generator: number;
  others: number;
  machine: number;
}

export interface CpuSplitParts {
  server: number;
  postgres: number;
  /** Every other bench server (idle during this run). */
  otherServers: number[];
  generatorInProcess: boolean;
}

export function startCpuSplit({ server, postgres, otherServers, generatorInProcess }: CpuSplitParts): () => CpuSplit {
  const roots = [server, postgres, ...otherServers];
  const trees = () => treeCpuSeconds(roots);
  const before = { trees: trees(), self: selfCpuSeconds(), machine: machineCpuSeconds() };
  return () => {
    const after = { trees: trees(), self: selfCpuSeconds(), machine: machineCpuSeconds() };
    const cores = cpus().length;
    const wall = (after.machine.total - before.machine.total) / cores;
    const perSecond = (seconds: number) => (wall > 0 ? seconds / wall : NaN);
    const tree = (pid: number) => perSecond((after.trees.get(pid) ?? NaN) - (before.trees.get(pid) ?? NaN));
    const selfOwn = perSecond(after.self.own - before.self.own);
    const reaped = perSecond(after.self.reaped - before.self.reaped);
    const generator = generatorInProcess ? selfOwn : reaped;
    const benchItself = (generatorInProcess ? 0 : selfOwn) + otherServers.reduce((sum, pid) => sum + (tree(pid) || 0), 0);
    const machineBusy = perSecond(after.machine.busy - before.machine.busy);
    const split = { server: tree(server), postgres: tree(postgres), generator };
    return {
      ...split,
      others: Math.max(0, machineBusy - split.server - split.postgres - split.generator - benchItself),
      machine: machineBusy / cores,
    };
  };
}
