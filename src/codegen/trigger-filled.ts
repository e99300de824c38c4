/**
 * The columns a BEFORE INSERT row trigger fills, so POST need not require
 * them: a NOT NULL column without a default that the trigger function sets
 * (`NEW.slug := ...`) is what a default is to the client. Decided from the
 * trigger function's source, conservatively in the direction the API's
 * rules always lean: never refuse what the database would accept. A column
 * made optional that the trigger does not fill after all is refused by the
 * database (23502), which the API answers as a 422 naming the column; a
 * column wrongly required would refuse valid requests.
 *
 * - PL/pgSQL and SQL functions: the columns assigned as `NEW.col := …`
 *   (or `=`) at the start of a statement, or `SELECT … INTO NEW.col`;
 *   a whole-row `NEW := …` fills every column.
 * - Any other language (C, PL/Python, ...): its source cannot be read here,
 *   so every column counts as filled.
 */
export type Filled = Set<string> | 'all';

const identifier = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`;
/** The same, capturing nothing. */
const anyIdentifier = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const name = (quoted: string | undefined, bare: string | undefined) => quoted?.replace(/""/g, '"') ?? bare!.toLowerCase();

export function columnsFilledBy(language: string, source: string): Filled {
  if (language !== 'plpgsql' && language !== 'sql') return 'all';
  const code = source.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  if (/(?:^|;|\bBEGIN|\bTHEN|\bELSE|\bLOOP)\s*NEW\s*:?=/i.test(code)) return 'all';
  const filled = new Set<string>();
  const assignment = new RegExp(String.raw`(?:^|;|\bBEGIN|\bTHEN|\bELSE|\bLOOP)\s*NEW\s*\.\s*${identifier}\s*:?=`, 'gi');
  for (const match of code.matchAll(assignment)) filled.add(name(match[1], match[2]));
  const into = new RegExp(String.raw`\bINTO\s+(?:STRICT\s+)?((?:NEW\s*\.\s*${anyIdentifier}\s*,?\s*)+)`, 'gi');
  for (const match of code.matchAll(into)) {
    for (const column of match[1]!.matchAll(new RegExp(String.raw`NEW\s*\.\s*${identifier}`, 'gi'))) filled.add(name(column[1], column[2]));
  }
  return filled;
}
