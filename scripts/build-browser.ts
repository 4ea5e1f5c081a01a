/**
 * Bundles the browser demo page (client/browser) with esbuild into client/browser/build/:
 * `index.html`, `assets/app.js` (page), `assets/capture-worklet.js` (AudioWorklet module) and
 * `assets/style.css`. The server serves that folder at `/` and `/assets/*`.
 *
 *   npm run build:browser            one build
 *   npm run build:browser -- --watch rebuild on change
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const SRC = fileURLToPath(new URL('../client/browser/', import.meta.url));
const OUT = fileURLToPath(new URL('../client/browser/build/', import.meta.url));

/**
 * zod re-exports all of its ~40 error-message locales from its `z` namespace, which a bundler
 * cannot drop (264 KiB of the page's 467). The page only needs the English default, so the
 * locale index zod imports is replaced by one that exports `en` alone.
 */
const zodEnglishOnly: esbuild.Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? {
            path: args.resolveDir.replace(/[\\/](classic|core)$/, '/locales/en.js'),
            namespace: 'zod-locales',
          }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: SRC,
    }));
  },
};

/** Current Chromium and Firefox; both run ES2022 modules and AudioWorklet. */
const TARGET = ['chrome120', 'firefox120'];

export async function buildBrowser(options: { watch?: boolean } = {}): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(`${OUT}assets`, { recursive: true });
  const copyStatic = async () => {
    await copyFile(`${SRC}index.html`, `${OUT}index.html`);
    await copyFile(`${SRC}style.css`, `${OUT}assets/style.css`);
  };
  await copyStatic();

  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'esm',
    target: TARGET,
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    outdir: `${OUT}assets`,
    plugins: [zodEnglishOnly],
  };
  const options_: esbuild.BuildOptions = {
    ...common,
    entryPoints: { app: `${SRC}app.ts`, 'capture-worklet': `${SRC}capture-worklet.ts` },
  };
  if (options.watch) {
    const ctx = await esbuild.context({
      ...options_,
      plugins: [zodEnglishOnly, { name: 'static', setup: (b) => b.onEnd(() => void copyStatic()) }],
    });
    await ctx.watch();
    console.log(`watching client/browser → ${OUT}`);
    return;
  }
  const result = await esbuild.build({ ...options_, metafile: true });
  const sizes = Object.entries(result.metafile?.outputs ?? {})
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, out]) => `${file.split('/').pop()} ${(out.bytes / 1024).toFixed(1)} KiB`);
  console.log(`demo page built into client/browser/build/ (${sizes.join(', ')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildBrowser({ watch: process.argv.includes('--watch') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
