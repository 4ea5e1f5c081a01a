/** The streaming CLI as a user runs it (a child process) against a real server on port 0. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, readWav } from '../../server/audio/wav-io.ts';
import { toneBursts } from '../server/helpers/signals.ts';
import { startTestServer, type TestServer } from '../server/helpers/test-server.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../client/node/cli.ts');
const BURSTS = [
  { startMs: 200, endMs: 700 },
  { startMs: 1100, endMs: 1500 },
];

describe('npm run stream (client/node/cli.ts)', () => {
  let t: TestServer;
  let dir: string;
  let wav: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), 'tolk-cli-'));
    wav = join(dir, 'bursts.wav');
    await writeFile(wav, encodeWav(toneBursts(22_050, 1800, BURSTS), 22_050));
  });
  afterAll(async () => {
    await t.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', CLI, wav, '--url', t.url, ...args], { timeout: 30_000 });

  it('--fast --json prints one JSON event per line, in protocol order', async () => {
    const { stdout } = await cli('--fast', '--json');
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual([
      'ready',
      'speech_start',
      'speech_end',
      'metrics',
      'speech_start',
      'speech_end',
      'metrics',
      'end',
    ]);
    expect(events[0]).toMatchObject({ sampleRate: 22_050, encoding: 's16le', source: 'en', target: 'es' });
    expect(Math.abs(events[1].streamMs - 200)).toBeLessThanOrEqual(10); // 10 ms frames in the double
    expect(events.at(-1)).toMatchObject({ reason: 'stop', segments: 2 });
  });

  it('prints the human view and saves the returned denoised audio with --denoised', async () => {
    const out = join(dir, 'denoised.wav');
    const { stdout } = await cli('--fast', '--denoised', out, '--source', 'es', '--target', 'en');
    expect(stdout).toMatch(/ready .*es→en/);
    expect(stdout).toMatch(/\[0\.(19|20)s\] ▶ speech #1/);
    expect(stdout).toMatch(/end {5}stop at 1\.80s, 2 segment\(s\)/);
    const saved = await readWav(out);
    expect(saved.sampleRate).toBe(22_050);
    expect(saved.samples.length).toBe(Math.round(22.05 * 1800));
    expect((await readFile(out)).byteLength).toBeGreaterThan(44);
  });

  it('streams at real-time pace without --fast', async () => {
    const t0 = Date.now();
    await cli('--json');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1700);
  });

  it('exits 2 with usage on bad arguments', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', CLI], { timeout: 30_000 }).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('usage: npm run stream');
  });
});
