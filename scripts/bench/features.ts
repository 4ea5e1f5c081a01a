/**
 * `npm run bench -- features [--seconds N] [--repeats N]`: cost of log-mel extraction
 * (batch and streaming in 100 ms chunks) in ms per second of audio; writes reports/bench-features.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { LogMelFrameComputer, logMel, StreamingLogMel } from '../../server/audio/log-mel.ts';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function testSignal(seconds: number): Float32Array {
  const n = seconds * 16000;
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000) + 0.1 * (s / 2 ** 32 - 0.5);
  }
  return x;
}

function best(repeats: number, fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

export async function main(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 20);
  const repeats = arg(args, 'repeats', 20);
  const x = testSignal(seconds);
  const computer = new LogMelFrameComputer();
  logMel(x.subarray(0, 16000), { computer }); // warm the JIT
  const batchMs = best(repeats, () => logMel(x, { computer }));
  const chunk = 1600; // 100 ms, the protocol's largest frame
  const streamMs = best(repeats, () => {
    const s = new StreamingLogMel();
    for (let i = 0; i < x.length; i += chunk) s.push(x.subarray(i, i + chunk));
    s.flush();
  });
  const result = {
    bench: 'features',
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    audioSeconds: seconds,
    repeats,
    batchMsPerAudioSecond: batchMs / seconds,
    streamingMsPerAudioSecond: streamMs / seconds,
    targetMsPerAudioSecond: 1,
  };
  console.log(`log-mel 80 × (25 ms / 10 ms), ${seconds} s of audio, best of ${repeats}`);
  console.log(`  batch:     ${result.batchMsPerAudioSecond.toFixed(3)} ms per second of audio`);
  console.log(
    `  streaming: ${result.streamingMsPerAudioSecond.toFixed(3)} ms per second of audio (100 ms chunks)`,
  );
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-features.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('  wrote reports/bench-features.json');
}
