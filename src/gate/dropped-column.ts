/**
 * The column an Atlas "Dropping non-virtual column" finding (DS103) is
 * about, so that its rows can be counted in a real database like our own
 * data-loss rules' (db:apply's refusal, db:revert): the table from the
 * statement at the finding's offset, the column from Atlas's message.
 */
export function droppedColumn(text: string, pos: number, message: string): { table: string; column: string } | undefined {
  const column = /column "([^"]+)"/.exec(message)?.[1];
  const statement = text.slice(pos);
  const table = /^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(?:"?[\w$]+"?\.)?"?([\w$]+)"?/i.exec(statement)?.[1];
  return column && table ? { table, column } : undefined;
}
