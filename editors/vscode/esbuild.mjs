// Bundles the extension (src/extension.ts + vscode-languageclient) into dist/extension.js, or,
// with --tests, the unit tests (test/*.test.ts) into out/test/ for `node --test`.
import { build, context } from 'esbuild';
import { readdirSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

if (args.has('--tests')) {
  const tests = readdirSync('test').filter((name) => name.endsWith('.test.ts')).map((name) => `test/${name}`);
  await build({ ...common, entryPoints: tests, outdir: 'out/test', sourcemap: true, minify: false });
} else {
  const options = { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] };
  if (args.has('--watch')) {
    await (await context(options)).watch();
  } else {
    await build(options);
  }
}
