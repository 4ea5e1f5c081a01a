/**
 * `npm run bench -- features [--seconds N] [--repeats N]`: cost of log-mel extraction
 * (batch and streaming in 100 ms chunks) in ms per second of audio; writes reports/bench-features.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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

/** Best wall time and best CPU time (user+sys) over repeats; CPU time is less distorted when the machine is shared. */
function best(repeats: number, fn: () => void): { wallMs: number; cpuMs: number } {
  let wallMs = Number.POSITIVE_INFINITY;
  let cpuMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wallMs = Math.min(wallMs, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
  }
  return { wallMs, cpuMs };
}

export async function main(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 20);
  const repeats = arg(args, 'repeats', 20);
  const x = testSignal(seconds);
  const computer = new LogMelFrameComputer();
  logMel(x.subarray(0, 16000), { computer }); // warm the JIT
  const batch = best(repeats, () => logMel(x, { computer }));
  const chunk = 1600; // 100 ms, the protocol's largest frame
  const stream = best(repeats, () => {
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
    batchMsPerAudioSecond: batch.wallMs / seconds,
    streamingMsPerAudioSecond: stream.wallMs / seconds,
    batchCpuMsPerAudioSecond: batch.cpuMs / seconds,
    streamingCpuMsPerAudioSecond: stream.cpuMs / seconds,
    loadAverage1m: loadavg()[0],
    targetMsPerAudioSecond: 1,
  };
  console.log(`log-mel 80 × (25 ms / 10 ms), ${seconds} s of audio, best of ${repeats}`);
  const fmt = (wall: number, cpu: number) =>
    `${wall.toFixed(3)} ms (cpu ${cpu.toFixed(3)} ms) per second of audio`;
  console.log(`  batch:     ${fmt(result.batchMsPerAudioSecond, result.batchCpuMsPerAudioSecond)}`);
  console.log(
    `  streaming: ${fmt(result.streamingMsPerAudioSecond, result.streamingCpuMsPerAudioSecond)} (100 ms chunks)`,
  );
  console.log(`  load average ${result.loadAverage1m.toFixed(2)} on ${cpus().length} cores`);
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-features.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('  wrote reports/bench-features.json');
}
