/**
 * `npm run data -- import librispeech|commonvoice|folder <path> --out <manifest.jsonl>
 *   [--audio-dir <dir>] [--lang en] [--tsv validated.tsv] [--jobs N]`
 *
 * Real data into the same NeMo manifest shape as the synthetic corpus, resampled to 16 kHz mono.
 * Bad entries (missing audio, empty transcript, undecodable audio) are skipped and counted.
 */
import { cpus } from 'node:os';
import cliProgress from 'cli-progress';
import { hasTool } from './lib/tools.ts';
import { loadCommonVoice } from './loaders/commonvoice.ts';
import { loadFolder } from './loaders/folder.ts';
import { importToManifest } from './loaders/import-manifest.ts';
import { loadLibriSpeech } from './loaders/librispeech.ts';
import type { LoadResult } from './loaders/types.ts';

const USAGE =
  'usage: npm run data -- import librispeech|commonvoice|folder <path> --out <manifest.jsonl> [--audio-dir dir] [--lang xx] [--tsv validated.tsv] [--jobs N]';

export async function main(args: string[]): Promise<void> {
  const [kind, root] = args;
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = get('out');
  if (!kind || !root || !out) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const lang = get('lang');
  let load: LoadResult;
  if (kind === 'librispeech') load = loadLibriSpeech(root, lang ?? 'en');
  else if (kind === 'commonvoice') load = loadCommonVoice(root, { tsv: get('tsv'), lang });
  else if (kind === 'folder') load = loadFolder(root, lang);
  else {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }

  const needsSox = load.candidates.some((c) => !/\.wav$/i.test(c.source));
  if (needsSox && !hasTool('sox')) {
    console.error(
      'flac/mp3 audio needs sox: sudo sh scripts/install-debian-deps.sh (or apt-get install -y sox libsox-fmt-all)',
    );
  }
  const bar = new cliProgress.SingleBar(
    { format: 'import {bar} {value}/{total} | ETA {eta_formatted}' },
    cliProgress.Presets.shades_classic,
  );
  bar.start(load.candidates.length, 0);
  const summary = await importToManifest(load, {
    manifestPath: out,
    audioDir: get('audio-dir'),
    jobs: Number(get('jobs') ?? cpus().length),
    onProgress: (done) => bar.update(done),
  });
  bar.stop();
  console.log(`wrote ${summary.written} utterances (${summary.hours.toFixed(2)} h) to ${out}`);
  const reasons = Object.entries(summary.byReason);
  if (reasons.length) {
    console.log(`skipped ${summary.rejected.length}: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
    for (const r of summary.rejected.slice(0, 10))
      console.log(`  ${r.reason}: ${r.ref}${r.detail ? ` (${r.detail})` : ''}`);
  }
}
