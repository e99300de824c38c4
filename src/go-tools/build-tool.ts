import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toolBinary, toolsDir } from './locate.ts';
import { goTools, type GoToolName } from './tools.ts';

/** Why a Go tool could not be built, said so that the reader knows what to do. */
export class GoToolError extends Error {
  override name = 'GoToolError';
}

const relative = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * Builds one pinned Go tool into .tools/ (see tools.ts), unless it is
 * there already: the module is downloaded from the Go module proxy (or the
 * module cache), its hash compared with the pin, then `go install
 * <command>@<version>` builds it with the module's own go.sum. CGO is off
 * (no C compiler needed). A long build prints a progress line every 20 s;
 * lines go to `log` (stderr by default, so a command's stdout stays clean).
 */
export async function buildTool(name: GoToolName, log: (line: string) => void = (line) => console.error(line)): Promise<string> {
  const tool = goTools[name];
  const target = toolBinary(name);
  const say = (line: string) => log(`[${tool.name}] ${line}`);
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new GoToolError(
      `${tool.name} ${tool.version} (${tool.purpose}) is built from source and needs Go 1.22 or newer, which was not found on PATH. ` +
        `Install Go (https://go.dev/dl/ or your package manager, e.g. \`apt-get install golang-go\`), then run \`npm run tools:build\`.`,
    );
  }
  const env = { ...process.env, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
  const download = spawnSync('go', ['mod', 'download', '-json', `${tool.module}@${tool.version}`], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env,
  });
  const info = JSON.parse(download.stdout || '{}') as { Sum?: string; Error?: string };
  if (download.status !== 0 || !info.Sum) {
    throw new GoToolError(
      `go mod download ${tool.module}@${tool.version} failed: ${info.Error ?? download.stderr.trim()}. Check GOPROXY (${process.env.GOPROXY ?? 'default'}) and the network.`,
    );
  }
  if (info.Sum !== tool.sum)
    throw new GoToolError(
      `${tool.module}@${tool.version}: hash ${info.Sum} does not match the pin ${tool.sum} in src/go-tools/tools.ts; refusing to build it.`,
    );

  mkdirSync(toolsDir, { recursive: true });
  const gobin = mkdtempSync(path.join(toolsDir, `.build-${tool.name}-`));
  say(
    `building ${tool.name} ${tool.version} with ${go.stdout.trim().replace(/^go version /, '')} (first time: a minute or more; later runs reuse it)`,
  );
  const started = Date.now();
  const ticker = setInterval(() => say(`still building… ${Math.round((Date.now() - started) / 1000)}s`), 20_000);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('go', ['install', '-trimpath', '-ldflags', '-s -w', `${tool.command}@${tool.version}`], {
        cwd: tmpdir(), // outside any module: `go install pkg@version` builds with the module's own go.mod and go.sum
        env: { ...env, GOBIN: gobin },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (status) => {
        if (status !== 0) say(stderr.trim());
        resolve(status ?? 1);
      });
    });
    if (code !== 0) throw new GoToolError(`go install ${tool.command}@${tool.version} failed (exit ${code}); see the lines above.`);
    renameSync(path.join(gobin, path.basename(tool.command)), target);
  } finally {
    clearInterval(ticker);
    rmSync(gobin, { recursive: true, force: true });
  }
  say(`built ${relative(target)} in ${Math.round((Date.now() - started) / 1000)}s`);
  return target;
}
