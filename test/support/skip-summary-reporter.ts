import path from 'node:path';
import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { SKIP_MARKER } from './optional-program.ts';

/**
 * Ends `npm test` with what was skipped and why: each test file with skipped
 * tests, how many, and its reason (the skip line an optional-program check
 * printed, or a `ctx.skip(note)`), so a skip is never silent. Prints nothing
 * when nothing was skipped.
 */
export default class SkipSummaryReporter implements Reporter {
  private vitest!: Vitest;
  /** Skip lines by test file (module id). */
  private readonly reasons = new Map<string, Set<string>>();

  onInit(vitest: Vitest) {
    this.vitest = vitest;
  }

  onUserConsoleLog(log: UserConsoleLog) {
    if (!log.taskId) return;
    for (const line of log.content.split('\n')) {
      if (!line.startsWith(SKIP_MARKER)) continue;
      const entity = this.vitest.state.getReportedEntityById(log.taskId);
      const moduleId = entity ? (entity.type === 'module' ? entity.id : entity.module.id) : log.taskId;
      if (!this.reasons.has(moduleId)) this.reasons.set(moduleId, new Set());
      this.reasons.get(moduleId)!.add(line.slice(SKIP_MARKER.length).trim());
    }
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const lines: string[] = [];
    for (const testModule of testModules) {
      const skipped = [...testModule.children.allTests('skipped')];
      if (skipped.length === 0) continue;
      const reasons = new Set(this.reasons.get(testModule.id));
      for (const test of skipped) {
        const result = test.result();
        if (result.state === 'skipped' && result.note) reasons.add(result.note);
      }
      const file = path.relative(this.vitest.config.root, testModule.moduleId);
      const count = `${skipped.length} test${skipped.length === 1 ? '' : 's'}`;
      lines.push(`  ${file} (${count}): ${reasons.size ? [...reasons].join('; ') : 'no reason given'}`);
    }
    if (lines.length === 0) return;
    this.vitest.logger.log(['', ' Skipped:', ...lines, ''].join('\n'));
  }
}
