import { buildTool, GoToolError } from './build-tool.ts';
import { locateTool } from './locate.ts';
import { goTools, type GoToolName } from './tools.ts';

/**
 * `npm run tools:build [-- name…]`: builds the pinned Go tools (oasdiff,
 * actionlint) into .tools/ unless they are there. CI runs it before the
 * tests, so no test pays for a build; elsewhere they are built on first use.
 */
const names = process.argv.slice(2) as GoToolName[];
const unknown = names.filter((name) => !(name in goTools));
if (unknown.length) {
  console.error(`Unknown tool ${unknown.join(', ')}. Tools: ${Object.keys(goTools).join(', ')}`);
  process.exit(2);
}
try {
  for (const name of names.length ? names : (Object.keys(goTools) as GoToolName[])) {
    const found = locateTool(name);
    if (found) console.log(`[${name}] ${goTools[name].version} is ready: ${found}`);
    else await buildTool(name, (line) => console.log(line));
  }
} catch (error) {
  console.error(error instanceof GoToolError ? `error: ${error.message}` : error);
  process.exit(1);
}
