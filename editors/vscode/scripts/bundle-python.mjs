// Fills bundled/libs for the .vsix (run by `npm run package`): the ShapeLens package from this
// checkout (server/shapelens, copied) and its pure-Python dependencies at the versions pinned in
// bundled/requirements.txt (`pip install --target`, wheels only, no dependency resolution: the
// pins are the whole set). The Python that runs pip: $SHAPELENS_PYTHON, else python3.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const libs = join(here, 'bundled/libs');
const source = resolve(here, '../../server/shapelens');
const python = process.env.SHAPELENS_PYTHON || 'python3';

rmSync(libs, { recursive: true, force: true });
execFileSync(
  python,
  ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-compile', '--no-deps',
    '--only-binary=:all:', '--target', libs, '-r', join(here, 'bundled/requirements.txt')],
  { stdio: 'inherit' },
);
if (!existsSync(join(source, '__init__.py'))) throw new Error(`no ShapeLens package at ${source}`);
cpSync(source, join(libs, 'shapelens'), {
  recursive: true,
  filter: (path) => !path.includes('__pycache__') && !path.endsWith('.pyc'),
});
rmSync(join(libs, 'bin'), { recursive: true, force: true });
for (const name of readdirSync(libs)) {       // no compiled extension may slip in: the bundle is pure Python
  const walk = (path) => {
    if (statSync(path).isDirectory()) readdirSync(path).forEach((child) => walk(join(path, child)));
    else if (/\.(so|pyd|dylib)$/.test(path)) throw new Error(`not pure Python: ${path}`);
  };
  walk(join(libs, name));
}
console.log(`bundled/libs: ${readdirSync(libs).sort().join(' ')}`);
