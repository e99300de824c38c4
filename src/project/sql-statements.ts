/**
 * Splits SQL text into top-level statements, as Postgres would read them:
 * semicolons inside quotes ('…', "…", E'…'), dollar quotes ($$…$$,
 * $tag$…$tag$) and comments (-- …, nested /* … *\/) do not end a statement.
 * A line that starts with a backslash outside a statement is a psql
 * meta-command (pg_dump writes `\restrict`), kept as a statement of its own.
 * As psql does, a `CREATE [OR REPLACE] FUNCTION|PROCEDURE` with an
 * SQL-standard body (`BEGIN ATOMIC … END`, which pg_dump writes as it is)
 * ends at the `;` after its END, not at the semicolons inside it (BEGIN and
 * CASE open a block there, END closes one).
 * Offsets index into the text, so callers can blank a statement and keep
 * every other line where it was.
 */
export interface Statement {
  /** From the first character that is not blank or a comment. */
  start: number;
  /** Just past the terminating `;` (or the end of the text / of the meta-command's line). */
  end: number;
  text: string;
  metaCommand: boolean;
}

export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let i = 0;
  let start = -1;
  let routine: boolean | undefined; // this statement creates a function or procedure (decided at its first word)
  let blocks = 0; // BEGIN/CASE … END open in a routine's body
  const push = (end: number, metaCommand = false) => {
    statements.push({ start, end, text: sql.slice(start, end), metaCommand });
    start = -1;
    routine = undefined;
    blocks = 0;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      i = lineEnd(sql, i);
      continue;
    }
    if (c === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
      continue;
    }
    if (start < 0) {
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      start = i;
      if (c === '\\') {
        i = lineEnd(sql, i);
        push(i, true);
        continue;
      }
    }
    if (c === "'" || c === '"') {
      i = quoteEnd(sql, i, c);
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
        const close = sql.indexOf(tag, i + tag.length);
        i = close < 0 ? sql.length : close + tag.length;
      } else i++;
    } else if (c === ';') {
      i++;
      if (blocks === 0) push(i);
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 64))![0];
      routine ??= /^CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\b/i.test(sql.slice(start, start + 200));
      if (routine && /^(BEGIN|CASE)$/i.test(word)) blocks++;
      else if (routine && blocks > 0 && /^END$/i.test(word)) blocks--;
      i += word.length;
    } else i++;
  }
  if (start >= 0) push(sql.length);
  return statements;
}

function lineEnd(sql: string, i: number): number {
  const end = sql.indexOf('\n', i);
  return end < 0 ? sql.length : end;
}

function blockCommentEnd(sql: string, i: number): number {
  let depth = 0;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

/** Past the closing quote; a doubled quote is part of the text (and backslash escapes in E'' strings). */
function quoteEnd(sql: string, i: number, quote: string): number {
  const escapes = quote === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
  i++;
  while (i < sql.length) {
    if (escapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

/** The 1-based line of an offset. */
export function lineAt(sql: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < sql.length; i++) if (sql[i] === '\n') line++;
  return line;
}

/**
 * `sql` as Atlas can replay it: Atlas (v0.13 and later) splits a migration
 * at every `;` outside quotes and parentheses, so a function with an
 * SQL-standard body (`BEGIN ATOMIC … END`) reaches Postgres in pieces
 * ("syntax error at end of input"; issue 19). Each such statement runs
 * whole instead, through `DO … EXECUTE` with dollar quotes Atlas skips;
 * Postgres' catalog gets exactly the same function. Every line keeps its
 * number. Everything else is left as it is.
 */
export function splittableByAtlas(sql: string): string {
  let out = '';
  let from = 0;
  for (const statement of splitStatements(sql)) {
    const text = statement.text;
    if (!/^CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\b/i.test(text) || !/\bBEGIN\s+ATOMIC\b/i.test(text)) continue;
    const tag = (name: string) => {
      let candidate = `$${name}$`;
      for (let n = 1; text.includes(candidate); n++) candidate = `$${name}${n}$`;
      return candidate;
    };
    const [outer, inner] = [tag('atomic'), tag('body')];
    const body = text.replace(/;\s*$/, '');
    out += `${sql.slice(from, statement.start)}DO ${outer} BEGIN EXECUTE ${inner}${body}${inner}; END ${outer};`;
    from = statement.end;
  }
  return out + sql.slice(from);
}
