import { connectClient } from '../db/client.ts';

/** A statement of a migration that Postgres refused, named by file and line. */
export class ScriptError extends Error {
  override name = 'ScriptError';
}

/**
 * Runs SQL text on a database as one script (one transaction), and names
 * `label:<line>` and the line of a statement Postgres refuses.
 */
export async function runScript(url: string, text: string, label: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.query(text);
  } catch (error) {
    const { message, position } = error as { message: string; position?: string };
    const line = position ? text.slice(0, Number(position) - 1).split('\n').length : undefined;
    throw new ScriptError(`${label}${line ? `:${line}` : ''}: ${message}${line ? `\n    ${text.split('\n')[line - 1]!.trim()}` : ''}`);
  } finally {
    await client.end();
  }
}
