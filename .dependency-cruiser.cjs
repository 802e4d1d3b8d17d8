/**
 * The layers of facelossbench (README "Architecture"), lowest first. A module may import from its own layer and
 * the layers below it, never from a layer above; no cycles anywhere, type-only imports included. `npm test`
 * runs this (test/architecture.test.ts), so a violation fails CI.
 */
const LAYERS = [
  { name: 'core', paths: ['^harness/core/'] },
  { name: 'formats and engine', paths: ['^harness/formats/', '^harness/engine/', '^packages/'] },
  { name: 'run store, data, scoring, alignment', paths: ['^harness/run-store/', '^harness/data/', '^harness/scoring/', '^harness/align/'] },
  { name: 'protocols and plugin system', paths: ['^protocols/', '^harness/plugins/', '^plugins/', '^harness/face/'] },
  { name: 'training, evaluation, reports', paths: ['^harness/training/', '^harness/evaluation/', '^harness/embedding/', '^reports/'] },
  { name: 'sweep', paths: ['^harness/sweep/'] },
  { name: 'cli', paths: ['^harness/cli/'] },
];

const above = (i) => LAYERS.slice(i + 1).flatMap((l) => l.paths);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only ones included) make the layers meaningless.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer.name.replace(/[^a-z]+/g, '-')}`,
      severity: 'error',
      comment: `${layer.name} may import only from its own layer and those below it.`,
      from: { path: layer.paths },
      to: { path: above(i) },
    })),
    {
      name: 'reports-read-through-run-store',
      severity: 'error',
      comment: 'Reports read results only through the run store (and core helpers), never training, evaluation or sweep code.',
      from: { path: '^reports/' },
      to: { path: '^harness/', pathNot: ['^harness/core/', '^harness/run-store/'] },
    },
    {
      name: 'packages-stand-alone',
      severity: 'error',
      comment: 'A workspace package is a product of its own: it imports npm packages and itself, never the harness.',
      from: { path: '^packages/' },
      to: { path: '^(harness|protocols|reports|plugins|bench|test)/' },
    },
    {
      name: 'not-to-tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|runs|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js'] },
  },
};
