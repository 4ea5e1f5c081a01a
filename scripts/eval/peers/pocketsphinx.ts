/**
 * Peer recognizer: Debian's pocketsphinx with its US-English model. Supports both command
 * lines Debian has shipped: pocketsphinx 5.x (`pocketsphinx single file.wav`, JSON out) and the
 * older 5prealpha (`pocketsphinx_continuous -infile file.wav`, one line per segment).
 * Input must be 16 kHz mono 16-bit PCM WAV, the rate the en-us model was trained at.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { readWavInfo } from './wav-info.ts';

const run = promisify(execFile);

export const POCKETSPHINX_INSTALL = 'sudo apt-get install pocketsphinx pocketsphinx-en-us';

/** Where pocketsphinx-en-us puts the acoustic model (both Debian versions). */
const EN_US_MODEL_DIRS = ['/usr/share/pocketsphinx/model/en-us/en-us', '/usr/share/pocketsphinx/model/en-us'];

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

export async function recognizeWithPocketsphinx(
  wavPath: string,
  options: { cli?: PocketsphinxCli; timeoutMs?: number } = {},
): Promise<PocketsphinxResult> {
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
  const cli = options.cli ?? requirePocketsphinx();
  const args = cli.kind === 'single' ? ['single', wavPath] : ['-infile', wavPath, '-logfn', '/dev/null'];
  const started = performance.now();
  const { stdout } = await run(cli.command, args, {
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const text = cli.kind === 'single' ? parseSingleOutput(stdout) : parseContinuousOutput(stdout);
  return { text, elapsedMs: performance.now() - started, durationSec: info.durationSec };
}
