import { afterEach, describe, expect, it } from 'vitest';
import { buildTool, GoToolError } from '../../src/go-tools/build-tool.ts';
import { toolBinary } from '../../src/go-tools/locate.ts';
import { goTools } from '../../src/go-tools/tools.ts';

/** The Go tools' build, where it can fail without building anything. */
describe('Go tools', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('without Go, says which tool needs Go, how to install it and what to run next', async () => {
    process.env.PATH = '/nonexistent';
    const error = await buildTool('oasdiff', () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoToolError);
    expect((error as Error).message).toMatch(/oasdiff v1\.39\.0 .*needs Go .*not found on PATH/);
    expect((error as Error).message).toMatch(/npm run tools:build/);
  });

  it('keeps each pinned version in a file of its own under .tools/', () => {
    expect(toolBinary('oasdiff')).toMatch(/\/\.tools\/oasdiff-v1\.39\.0$/);
    expect(toolBinary('actionlint')).toMatch(/\/\.tools\/actionlint-v1\.7\.12$/);
    for (const tool of Object.values(goTools)) expect(tool.sum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
  });
});
