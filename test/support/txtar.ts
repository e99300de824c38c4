/**
 * The txtar format (golang.org/x/tools/txtar), as Atlas's integration tests
 * use it: a comment (here: the script), then files, each introduced by a
 * line `-- name --`.
 */
export interface Archive {
  script: string;
  files: Map<string, string>;
}

export function parseTxtar(text: string): Archive {
  const [script = '', ...sections] = text.split(/^-- (.+) --$/m);
  const files = new Map<string, string>();
  for (let i = 0; i + 1 < sections.length; i += 2) {
    // The marker's own newline is not content; a file ends with one newline.
    files.set(sections[i]!, sections[i + 1]!.replace(/^\n/, '').replace(/\n*$/, '\n'));
  }
  return { script, files };
}
