import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../project/paths.mjs';
import { goTools, type GoToolName } from './tools.ts';

/** Where built Go tools live: git-ignored, one file per pinned version, so a new pin builds anew. */
export const toolsDir = path.join(repoRoot, '.tools');

export const toolBinary = (name: GoToolName): string => {
  const tool = goTools[name];
  return path.join(toolsDir, `${tool.name}-${tool.version}`);
};

/** The built binary, or null when it has not been built yet. */
export const locateTool = (name: GoToolName): string | null => (existsSync(toolBinary(name)) ? toolBinary(name) : null);
