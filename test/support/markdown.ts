import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The README and docs/*.md as the documentation tests read them: which
 * pages exist, their links, their headings' anchors. Links are checked the
 * way GitHub renders them, so that a page moved or a heading renamed fails a
 * test instead of leaving a dead link for a reader to find.
 */

/** The repository root: test/support/ is two levels below it wherever the tests live. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const readmeFile = path.join(repoRoot, 'README.md');
const docsDir = path.join(repoRoot, 'docs');

/** Every docs/*.md, as absolute paths, sorted. */
export function docsPages(): string[] {
  return readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => path.join(docsDir, name));
}

/** The text of docs/<name>. */
export function readDoc(name: string): string {
  return readFileSync(path.join(docsDir, name), 'utf8');
}

/** The page's lines outside fenced code blocks (``` or ~~~), with their 1-based line numbers. */
export function proseLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, index) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: index + 1, text: line });
  });
  return lines;
}

/** A line without its inline code spans (links inside backticks are text, not links). */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, '');
}

/** The targets of inline links `[text](target)` outside code, with their line numbers. */
export function links(text: string): { line: number; target: string }[] {
  return proseLines(text).flatMap(({ line, text: content }) =>
    [...withoutCodeSpans(content).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => ({ line, target: match[1]! })),
  );
}

/** The inline code spans of a page's prose (outside fenced blocks). */
export function codeSpans(text: string): { line: number; code: string }[] {
  return proseLines(text).flatMap(({ line, text: content }) =>
    [...content.matchAll(/`([^`]+)`/g)].map((match) => ({ line, code: match[1]! })),
  );
}

/**
 * GitHub's anchor for a heading: the rendered text (no code backticks, no
 * emphasis, a link's text only), lower-cased, punctuation removed but `-`
 * and `_`, spaces turned into `-`; a repeated anchor gets -1, -2, ...
 */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const rendered = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/**
 * Why a relative link from `fromFile` does not resolve, or undefined when it
 * does: the file (or folder) must exist, and an anchor must be a heading of
 * the Markdown page it points into. Links with a scheme (https:, mailto:) are
 * not followed.
 */
export function brokenLink(fromFile: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [file = '', anchor] = target.split('#', 2);
  const resolved = file === '' ? fromFile : path.resolve(path.dirname(fromFile), decodeURIComponent(file));
  if (!existsSync(resolved)) return `${target}: no such file ${path.relative(repoRoot, resolved)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
  return anchors(readFileSync(resolved, 'utf8')).has(anchor)
    ? undefined
    : `${target}: ${path.relative(repoRoot, resolved)} has no heading #${anchor}`;
}
