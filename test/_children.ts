/**
 * The slow project's global setup, and where its child processes start from. The trials that start
 * real processes (src/main.ts and src/cli.ts, the crash, replica and shard children, the bot under
 * load) run the compiled build in dist/, as production does, instead of paying ~2 s of tsx loading per
 * child: `scripts/build.mjs --if-stale` compiles src/ and commands/ once when they changed, and the
 * children that are not in src/ (the test scaffolding in CHILDREN, the helpers they import, and
 * scripts/manifest.ts) are bundled by esbuild into .cache/test-children/ with every import of src/ or
 * commands/ pointing at its compiled file in dist/ — the same code the fast tests run through tsx. `import.meta.url` keeps each helper's own
 * source location, so paths it derives from it (the bundled CSVs) are unchanged.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = path.join(ROOT, '.cache', 'test-children');
const CHILDREN = ['test/digest/_crash-child.ts', 'test/digest/_replica-child.ts', 'test/adapters/discord/_shard-digest-child.ts', 'scripts/manifest.ts'];

/** The bundled child for a file in CHILDREN (e.g. 'test/digest/_crash-child.ts'). */
export function compiledChild(testFile: string): string {
  return path.join(OUT, testFile.replace(/\.ts$/, '.mjs'));
}

/** The compiled entry of a source file (e.g. 'src/main.ts' → dist/src/main.js). */
export function compiledSource(sourceFile: string): string {
  return path.join(ROOT, 'dist', sourceFile.replace(/\.ts$/, '.js'));
}

export default async function setup(): Promise<void> {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed: the slow tests run its output');
  const esbuild = await import('esbuild');
  const compiled = new Set(['src', 'commands'].map((d) => path.join(ROOT, d) + path.sep));
  await esbuild.build({
    entryPoints: CHILDREN.map((f) => ({ in: path.join(ROOT, f), out: f.replace(/\.ts$/, '') })),
    outdir: OUT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [
      {
        name: 'tapebot-dist',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const file = path.resolve(args.resolveDir, args.path);
            if (![...compiled].some((d) => file.startsWith(d))) return undefined;
            return { path: pathToFileURL(compiledSource(path.relative(ROOT, file))).href, external: true };
          });
          b.onLoad({ filter: /\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
}
