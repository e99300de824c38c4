import { buildTool } from './build-tool.ts';
import { locateTool } from './locate.ts';
import type { GoToolName } from './tools.ts';

const building = new Map<GoToolName, Promise<string>>();

/** The tool's binary, built on first use (once per process, however many callers ask at once). */
export function ensureTool(name: GoToolName, log?: (line: string) => void): Promise<string> {
  const found = locateTool(name);
  if (found) return Promise.resolve(found);
  if (!building.has(name))
    building.set(
      name,
      buildTool(name, log).finally(() => building.delete(name)),
    );
  return building.get(name)!;
}
