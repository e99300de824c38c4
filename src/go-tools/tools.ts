/**
 * The Go programs bookshelf builds for itself, pinned: the module, its
 * version, the package that is the command and the module's hash as the Go
 * checksum database records it (checked before building, so a proxy that
 * serves other bytes for the same version is refused, as go.sum does for Atlas).
 */
export interface GoTool {
  name: string;
  module: string;
  version: string;
  /** The main package, `module` itself or a folder of it. */
  command: string;
  /** `h1:` hash of the module's zip (go mod download -json's Sum). */
  sum: string;
  /** What it is for, in the progress lines and errors. */
  purpose: string;
}

export const goTools = {
  oasdiff: {
    name: 'oasdiff',
    module: 'github.com/oasdiff/oasdiff',
    version: 'v1.39.0',
    command: 'github.com/oasdiff/oasdiff',
    sum: 'h1:1E6tkJdW+XYuYo74pAEoLgvLJNY3iQKez4crBrNBFVQ=',
    purpose: "the review report's API contract diff",
  },
  actionlint: {
    name: 'actionlint',
    module: 'github.com/rhysd/actionlint',
    version: 'v1.7.12',
    command: 'github.com/rhysd/actionlint/cmd/actionlint',
    sum: 'h1:vQ4GeJN86C0QH+gTUQcs8McmK62OLT3kmakPMtEWYnY=',
    purpose: 'checking the CI template in templates/github/',
  },
} satisfies Record<string, GoTool>;

export type GoToolName = keyof typeof goTools;
