/**
 * Peer TTS voices for the TTS evaluation: espeak-ng (en, es) and flite (en, voices kal/awb/rms/slt),
 * each synthesizing one sentence to a 16 kHz mono 16-bit WAV (sox converts from the
 * engine's native rate: espeak-ng 22.05 kHz, flite 8/16 kHz). Checks for the binaries and prints
 * the apt-get line when one is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavInfo } from './wav-info.ts';

export type TtsPeer = 'espeak-ng' | 'flite';
export type PeerLang = 'en' | 'es';

export const TTS_PEERS_INSTALL = 'sudo apt-get install espeak-ng flite sox';
export const PEER_SAMPLE_RATE = 16000;

const BINARIES: Record<TtsPeer, string> = { 'espeak-ng': 'espeak-ng', flite: 'flite' };

/** Default voice per peer and language; flite speaks English only. */
const DEFAULT_VOICES: Record<TtsPeer, Partial<Record<PeerLang, string>>> = {
  'espeak-ng': { en: 'en-us', es: 'es' },
  flite: { en: 'slt' },
};

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function hasPeer(peer: TtsPeer): boolean {
  return onPath(BINARIES[peer]) && onPath('sox');
}

export function peerSupports(peer: TtsPeer, lang: PeerLang): boolean {
  return DEFAULT_VOICES[peer][lang] !== undefined;
}

/** Throws with the install line when the peer (or sox) is missing. */
export function requirePeer(peer: TtsPeer): void {
  if (hasPeer(peer)) return;
  const missing = [BINARIES[peer], 'sox'].filter((b) => !onPath(b)).join(' and ');
  console.error(`${missing} not installed. Install the TTS peers with:\n  ${TTS_PEERS_INSTALL}`);
  throw new Error(`${missing} not installed`);
}

function run(command: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`)),
    );
    // flite never reads stdin and may exit first: the EPIPE would otherwise crash the process
    // (the exit code reports any real failure).
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

export interface PeerSynthesis {
  path: string;
  peer: TtsPeer;
  voice: string;
  durationSec: number;
  /** Wall time of the engine's synthesis alone (not the sox conversion). */
  synthMs: number;
  rtf: number;
}

/** Synthesizes `text` with a peer voice into `outPath` (16 kHz mono s16 WAV). */
export async function synthesizeWithPeer(
  peer: TtsPeer,
  text: string,
  lang: PeerLang,
  outPath: string,
  opts: { voice?: string } = {},
): Promise<PeerSynthesis> {
  requirePeer(peer);
  const voice = opts.voice ?? DEFAULT_VOICES[peer][lang];
  if (!voice) throw new Error(`${peer} has no ${lang} voice`);
  const dir = mkdtempSync(join(tmpdir(), 'tolk-tts-peer-'));
  const raw = join(dir, 'native.wav');
  try {
    const t0 = performance.now();
    if (peer === 'espeak-ng') {
      // Text on stdin: no shell, no option parsing of text that starts with "-".
      await run('espeak-ng', ['-v', voice, '-w', raw, '--stdin'], text);
    } else {
      const textFile = join(dir, 'text.txt');
      writeFileSync(textFile, text);
      await run('flite', ['-voice', voice, '-f', textFile, '-o', raw]);
    }
    const synthMs = performance.now() - t0;
    await run('sox', [
      raw,
      '-r',
      String(PEER_SAMPLE_RATE),
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed-integer',
      outPath,
    ]);
    const info = readWavInfo(outPath);
    return {
      path: outPath,
      peer,
      voice,
      durationSec: info.durationSec,
      synthMs,
      rtf: synthMs / 1000 / info.durationSec,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
