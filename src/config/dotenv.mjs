// `.env` at a project's root, loaded once into process.env (real variables win).
// Plain JavaScript, so that the `atlas` bin (src/atlas/atlas.mjs) reads it the same way before anything is compiled.
import { existsSync } from 'node:fs';
import path from 'node:path';

const loaded = new Set();

/** Loads `<root>/.env` into process.env once per root; variables already set are kept. */
export function loadDotenv(root) {
  const file = path.join(root, '.env');
  if (loaded.has(file)) return;
  loaded.add(file);
  if (existsSync(file)) process.loadEnvFile(file);
}
