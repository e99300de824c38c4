/**
 * Names the migration files that make migrations/atlas.sum disagree with the
 * directory. Atlas only says "checksum mismatch"; here the committed atlas.sum
 * is compared with the one `atlas migrate hash` writes for the files as they
 * are now (in a temporary copy: the user's atlas.sum is never rewritten).
 *
 * Atlas chains the hashes: each line hashes its file and every file before
 * it, so the first line that differs names the first edited file.
 */
interface SumFile {
  total: string;
  files: { name: string; hash: string }[];
}

function parseSum(text: string): SumFile {
  const [total = '', ...lines] = text.split('\n').filter((line) => line.trim() !== '');
  const files = lines.map((line) => {
    const at = line.lastIndexOf(' ');
    return { name: line.slice(0, at), hash: line.slice(at + 1) };
  });
  return { total: total.trim(), files };
}

/** Versioned file name without its version: 20261126000607_add_x.sql -> add_x.sql */
const description = (name: string) => name.replace(/^\d+_?/, '');

/** One line per problem; empty when the two sums agree. */
export function explainSumMismatch(committedText: string | undefined, freshText: string): string[] {
  if (committedText === undefined) return ['migrations/atlas.sum is missing'];
  const committed = parseSum(committedText);
  const fresh = parseSum(freshText);
  const committedNames = new Set(committed.files.map((file) => file.name));
  const freshNames = new Set(fresh.files.map((file) => file.name));
  const missing = committed.files.map((f) => f.name).filter((name) => !freshNames.has(name));
  const added = fresh.files.map((f) => f.name).filter((name) => !committedNames.has(name));
  const problems: string[] = [];

  for (const oldName of [...missing]) {
    const newName = added.find((name) => description(name) === description(oldName));
    if (!newName) continue;
    problems.push(`migrations/${oldName} was renamed to ${newName} (this changes the order migrations run in)`);
    missing.splice(missing.indexOf(oldName), 1);
    added.splice(added.indexOf(newName), 1);
  }
  for (const name of missing) problems.push(`migrations/${name} is listed in atlas.sum but is missing (deleted or renamed)`);
  for (const name of added) problems.push(`migrations/${name} is not in atlas.sum (written or renamed by hand, not by atlas migrate diff)`);

  // Same names in the same order up to the first differing hash: that file was edited.
  for (let i = 0; i < Math.min(committed.files.length, fresh.files.length); i++) {
    const before = committed.files[i]!;
    const now = fresh.files[i]!;
    if (before.name !== now.name) break;
    if (before.hash !== now.hash) {
      problems.push(`migrations/${now.name} was edited after atlas.sum was written`);
      break;
    }
  }
  if (problems.length === 0 && committed.total !== fresh.total) {
    problems.push('migrations/atlas.sum itself was edited (its total hash does not match its lines)');
  }
  return problems;
}
