import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reviewMarkdown } from './markdown.ts';
import type { ReviewReport } from './model.ts';

/** Writes the report where `--report` (Markdown) and `--json` asked; returns the files written. */
export function writeReview(report: ReviewReport, files: { markdown?: string | undefined; json?: string | undefined }): string[] {
  const written: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
    written.push(file);
  };
  if (files.markdown) write(files.markdown, reviewMarkdown(report));
  if (files.json) write(files.json, `${JSON.stringify(report, null, 2)}\n`);
  return written;
}
