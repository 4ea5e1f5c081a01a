/**
 * Peer recognizer: Debian's pocketsphinx with its US-English model. Supports both command
 * lines Debian has shipped: pocketsphinx 5.x (`pocketsphinx single file.wav`, JSON out) and the
 * older 5prealpha (`pocketsphinx_continuous -infile file.wav` / `pocketsphinx_batch`).
 * Input must be 16 kHz mono 16-bit PCM WAV, the rate the en-us model was trained at.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readWavInfo, type WavInfo } from './wav-info.ts';

const run = promisify(execFile);

export const POCKETSPHINX_INSTALL = 'sudo apt-get install pocketsphinx pocketsphinx-en-us';

/** Where pocketsphinx-en-us puts the acoustic model (both Debian versions). */
const EN_US_MODEL_DIRS = ['/usr/share/pocketsphinx/model/en-us/en-us', '/usr/share/pocketsphinx/model/en-us'];
/** The older package's model files, which pocketsphinx_batch needs named explicitly. */
const LEGACY_MODEL = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
};

export interface PocketsphinxCli {
  kind: 'single' | 'continuous';
  command: string;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The installed command line, or null when pocketsphinx or its en-us model is missing. */
export function findPocketsphinx(): PocketsphinxCli | null {
  if (!EN_US_MODEL_DIRS.some((d) => existsSync(d))) return null;
  // pocketsphinx_continuous is the older Debian CLI; 5.x replaced it with `pocketsphinx`.
  if (onPath('pocketsphinx_continuous')) return { kind: 'continuous', command: 'pocketsphinx_continuous' };
  if (onPath('pocketsphinx')) return { kind: 'single', command: 'pocketsphinx' };
  return null;
}

export function hasPocketsphinx(): boolean {
  return findPocketsphinx() !== null;
}

/** Returns the CLI or prints how to install it and throws. */
export function requirePocketsphinx(): PocketsphinxCli {
  const cli = findPocketsphinx();
  if (!cli) {
    console.error(
      `pocketsphinx with the en-us model is not installed. Install it with:\n  ${POCKETSPHINX_INSTALL}`,
    );
    throw new Error('pocketsphinx is not installed');
  }
  return cli;
}

export interface PocketsphinxResult {
  text: string;
  /** How it ran: `single` (5.x), `batch` (pocketsphinx_batch, one utterance per file) or
   * `continuous` (pocketsphinx_continuous, split into utterances at silences). */
  mode: 'single' | 'batch' | 'continuous';
  /** Wall time of the call (for several files: the batch's time split evenly). */
  elapsedMs: number;
  durationSec: number;
}

/** Parses `pocketsphinx single` output: one JSON object per utterance with the text in `t`. */
export function parseSingleOutput(stdout: string): string {
  const parts: string[] = [];
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    const t = (JSON.parse(trimmed) as { t?: unknown }).t;
    if (typeof t === 'string' && t.trim()) parts.push(t.trim());
  }
  return parts.join(' ');
}

/** Parses `pocketsphinx_continuous` output: one hypothesis line per detected segment. */
export function parseContinuousOutput(stdout: string): string {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ');
}

/** Parses a Sphinx hypothesis file: "words (uttid score)" per line → uttid → words. */
export function parseHypFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(.*)\((\S+)(?:\s+-?\d+)?\)\s*$/.exec(line.trim());
    if (m) out.set(m[2], m[1].trim());
  }
  return out;
}

function checkWav(wavPath: string): WavInfo {
  const info = readWavInfo(wavPath);
  if (
    info.sampleRate !== 16000 ||
    info.channels !== 1 ||
    info.bitsPerSample !== 16 ||
    info.audioFormat !== 1
  ) {
    throw new Error(
      `${wavPath}: pocketsphinx en-us needs 16 kHz mono 16-bit PCM, got ${info.sampleRate} Hz × ${info.channels} ch, ${info.bitsPerSample}-bit format ${info.audioFormat}`,
    );
  }
  return info;
}

export async function recognizeWithPocketsphinx(
  wavPath: string,
  options: { cli?: PocketsphinxCli; timeoutMs?: number } = {},
): Promise<PocketsphinxResult> {
  const info = checkWav(wavPath);
  const cli = options.cli ?? requirePocketsphinx();
  const args = cli.kind === 'single' ? ['single', wavPath] : ['-infile', wavPath, '-logfn', '/dev/null'];
  const started = performance.now();
  const { stdout } = await run(cli.command, args, {
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const text = cli.kind === 'single' ? parseSingleOutput(stdout) : parseContinuousOutput(stdout);
  return { text, mode: cli.kind, elapsedMs: performance.now() - started, durationSec: info.durationSec };
}

/**
 * Recognizes many files with one model load (the load, not decoding, dominates short files):
 * `pocketsphinx single a.wav b.wav …` on 5.x, `pocketsphinx_batch` on the older package when
 * every file has a plain 44-byte header, otherwise one process per file. Each file is decoded
 * as one utterance. Results come back in input order.
 */
export async function recognizeManyWithPocketsphinx(
  wavPaths: readonly string[],
  options: { cli?: PocketsphinxCli; timeoutMs?: number } = {},
): Promise<PocketsphinxResult[]> {
  const infos = wavPaths.map(checkWav);
  const cli = options.cli ?? requirePocketsphinx();
  const timeout = options.timeoutMs ?? 60_000 + 20_000 * wavPaths.length;
  const started = performance.now();
  let texts: string[];
  let mode: PocketsphinxResult['mode'] = cli.kind;
  if (cli.kind === 'single') {
    const { stdout } = await run(cli.command, ['single', ...wavPaths], {
      timeout,
      maxBuffer: 64 * 1024 * 1024,
    });
    texts = stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => parseSingleOutput(l));
    if (texts.length !== wavPaths.length) {
      throw new Error(`pocketsphinx returned ${texts.length} results for ${wavPaths.length} files`);
    }
  } else if (
    onPath('pocketsphinx_batch') &&
    infos.every((i) => i.dataOffset === 44) &&
    // Its control file is whitespace-separated and its -cepext is fixed: other names go one by one.
    wavPaths.every((p) => /^\S+\.wav$/.test(resolve(p)))
  ) {
    texts = await runBatch(wavPaths, timeout);
    mode = 'batch';
  } else {
    texts = [];
    for (const p of wavPaths) texts.push((await recognizeWithPocketsphinx(p, { cli })).text);
  }
  const perFileMs = (performance.now() - started) / Math.max(1, wavPaths.length);
  return texts.map((text, i) => ({ text, mode, elapsedMs: perFileMs, durationSec: infos[i].durationSec }));
}

/**
 * pocketsphinx_batch names each file in its control file relative to `-cepdir /`, so every path
 * must be absolute: a relative one would be looked up under / instead of the working directory.
 * It exits 0 even when it cannot open a file and just writes no hypothesis for it, so a file
 * without one is an error here (with the reason from its log), never an empty transcript.
 */
async function runBatch(wavPaths: readonly string[], timeout: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tolk-pocketsphinx-'));
  try {
    // Control-file entries are paths under -cepdir without the extension.
    const ids = wavPaths.map((p) =>
      resolve(p)
        .replace(/^\/+/, '')
        .replace(/\.wav$/, ''),
    );
    writeFileSync(join(dir, 'files.ctl'), `${ids.join('\n')}\n`);
    const logPath = join(dir, 'batch.log');
    const args = [
      ...['-adcin', 'yes', '-adchdr', '44', '-cepdir', '/', '-cepext', '.wav'],
      ...['-ctl', join(dir, 'files.ctl'), '-hyp', join(dir, 'out.hyp'), '-logfn', logPath],
      ...['-hmm', LEGACY_MODEL.hmm, '-lm', LEGACY_MODEL.lm, '-dict', LEGACY_MODEL.dict],
    ];
    await run('pocketsphinx_batch', args, { timeout, maxBuffer: 16 * 1024 * 1024 });
    const hypPath = join(dir, 'out.hyp');
    const hyps = parseHypFile(existsSync(hypPath) ? readFileSync(hypPath, 'utf8') : '');
    const missing = wavPaths.filter((_, i) => !hyps.has(ids[i]));
    if (missing.length) {
      const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
      const error = log.split('\n').find((l) => l.startsWith('ERROR')) ?? 'no error in its log';
      throw new Error(
        `pocketsphinx_batch gave no result for ${missing.length} of ${wavPaths.length} files (first: ${missing[0]}): ${error}`,
      );
    }
    return ids.map((id) => hyps.get(id) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
