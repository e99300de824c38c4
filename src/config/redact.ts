/**
 * Hides passwords in anything that might be printed: connection URLs
 * (`postgres://user:secret@host`) and keyword strings (`password=secret`).
 *
 * URLs are found in free text (log lines, JSON, Atlas output, shell-quoted
 * command lines), and a password may hold unescaped `@ / ? # :` that a URL
 * parser would read differently, so the rule is deliberately greedy: from
 * `://` to the LAST `@` of the URL is credentials. Only the user name is
 * kept, and only when it is unambiguous (the text before the first `:`, with
 * no `@ / ? #` or space in it); otherwise the whole userinfo becomes `***`.
 * Hiding a little too much (a query holding an `@`) is the price of never
 * showing part of a password.
 *
 * @example redactSecrets('postgres://app:s3cret@db/x') === 'postgres://app:***@db/x'
 * @example redactSecrets('postgres://u:hunter@secret2@host/db') === 'postgres://u:***@host/db'
 */
export function redactSecrets(text: string): string {
  return redactKeywordPasswords(redactUrlCredentials(text));
}

/** `scheme://`; a URL's authority starts after it. */
const schemePattern = /\b[a-z][a-z0-9+.-]*:\/\//gi;

/**
 * Where the URL that starts at `start` ends: at a quote, `<`, `>`, a backtick
 * or a line break, or the end of the text. A backslash escape (`\"` inside a
 * JSON string) and the shell's `'\''` (a quote inside a single-quoted word)
 * do not end it. Spaces do not end it either: a password may hold one; see
 * credentialsEnd.
 */
function urlEnd(text: string, start: number): number {
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\\') {
      index += 2;
    } else if (text.startsWith(`'\\''`, index)) {
      index += 4;
    } else if (`"'\`<>\n\r`.includes(char)) {
      break;
    } else {
      index++;
    }
  }
  return Math.min(index, text.length);
}

/** A host list with optional ports, then the path, query or fragment (or nothing): no credentials. */
const hostsOnly = /^(?:\[[^\]\s]*\]|[^:/?#@\s,[]*)(?::\d*)?(?:,(?:\[[^\]\s]*\]|[^:/?#@\s,[]*)(?::\d*)?)*(?:[/?#]|$)/;

/**
 * The index (relative to the URL body) of the `@` that ends the credentials
 * of `body`, the text after `://`; -1 when there are none; `undefined` for
 * a `user:password` with no `@` at all (hide what follows the `:`).
 *
 * The first word (up to a space, or an escaped `\n`, `\r`, `\t` in JSON)
 * is the URL proper: its last `@` ends the credentials. When that word holds
 * no `@` and does not read as host[:port], the password has a space in it:
 * the credentials run to the last `@` of the next word that has one.
 */
function credentialsEnd(body: string): number | undefined {
  const words = [...body.matchAll(/(?:[^\s\\]|\\[^nrt])+/g)];
  const first = words[0];
  if (!first || first.index !== 0) return -1;
  const firstAt = first[0].lastIndexOf('@');
  if (firstAt >= 0) return firstAt;
  if (hostsOnly.test(first[0])) return -1;
  for (const word of words.slice(1)) {
    const at = word[0].lastIndexOf('@');
    if (at >= 0) return word.index + at;
  }
  return undefined;
}

const unambiguousUser = /^[^\s@/?#\\]*$/;

function redactUrlCredentials(text: string): string {
  let result = '';
  let copied = 0;
  for (const match of text.matchAll(schemePattern)) {
    const bodyStart = match.index + match[0].length;
    if (bodyStart < copied) continue; // inside a URL already handled
    let body = text.slice(bodyStart, urlEnd(text, bodyStart));
    let end = credentialsEnd(body);
    if (end === undefined) {
      // `user:pass` then a quote: the quote may be part of the password
      // (`hunter'secret@host`); look for its `@` up to the end of the line.
      const line = text.slice(bodyStart).split(/[\r\n]/)[0]!;
      const widened = credentialsEnd(line);
      if (widened !== undefined && widened >= 0) [body, end] = [line, widened];
    }
    if (end === -1) continue;
    const credentials = end === undefined ? body.split(/\s|\\[nrt]/)[0]! : body.slice(0, end);
    const colon = credentials.indexOf(':');
    const user = colon >= 0 ? credentials.slice(0, colon) : '';
    // A user name alone (no `:`) holds no password: keep it when it is plain.
    if (colon < 0 && unambiguousUser.test(credentials)) continue;
    const shown = colon >= 0 && unambiguousUser.test(user) ? `${user}:***` : '***';
    result += text.slice(copied, bodyStart) + shown + (end === undefined ? '' : '@');
    copied = bodyStart + credentials.length + (end === undefined ? 0 : 1);
  }
  return result + text.slice(copied);
}

/** libpq keyword strings and environment lines: `password=x`, `password='a b'`, `PGPASSWORD=x`. */
function redactKeywordPasswords(text: string): string {
  return text.replace(/\b(password|sslpassword|pgpassword)=(?:'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?|[^\s&'"]*)/gi, '$1=***');
}
