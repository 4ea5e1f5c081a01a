import { afterEach, describe, expect, it } from 'vitest';
import { NulFlushProcess, type NulFlushProcessOptions } from '../../../server/stages/mt/nul-flush-process.ts';

// A stand-in for a null-flush pipeline that runs everywhere: answers each NUL-terminated
// request with its upper-case form, hangs on "hang", exits on "die", and prints its pid on "pid".
const FAKE = `
let buf = '';
process.stdin.on('data', (d) => {
  buf += d.toString('utf8');
  let i;
  while ((i = buf.indexOf('\\0')) >= 0) {
    const req = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (req === 'hang') continue;
    if (req === 'die') process.exit(3);
    if (req === 'flood') {
      process.stdout.write('x'.repeat(5 * 1024 * 1024));
      continue;
    }
    if (req === 'double') { process.stdout.write('EXTRA\\0DOUBLE\\0'); continue; }
    if (req === 'slow') { setTimeout(() => process.stdout.write('SLOW\\0'), 150); continue; }
    process.stdout.write((req === 'pid' ? String(process.pid) : req.toUpperCase()) + '\\0');
  }
});
`;

const procs: NulFlushProcess[] = [];
function fake(options: Partial<NulFlushProcessOptions> = {}): NulFlushProcess {
  const p = new NulFlushProcess({
    command: process.execPath,
    args: ['-e', FAKE],
    timeoutMs: 2000,
    maxQueue: 8,
    label: 'fake',
    ...options,
  });
  procs.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.close()));
});

describe('NulFlushProcess', () => {
  it('answers requests in order through one persistent process', async () => {
    const p = fake();
    const replies = await Promise.all(['a', 'b', 'c', 'pid'].map((r) => p.request(r)));
    expect(replies.slice(0, 3)).toEqual(['A', 'B', 'C']);
    expect(Number(replies[3])).toBe(p.pid);
    const pid = p.pid;
    await p.request('d');
    expect(p.pid).toBe(pid);
  });

  it('keeps multi-byte characters intact across chunks', async () => {
    const p = fake();
    const long = 'ñandú '.repeat(5000);
    expect(await p.request(long)).toBe(long.toUpperCase());
  });

  it('times out a hung request, kills the process and serves the next one from a fresh one', async () => {
    const p = fake({ timeoutMs: 1000 });
    await p.request('warm');
    const firstPid = p.pid;
    const hung = p.request('hang');
    const queued = p.request('after');
    await expect(hung).rejects.toMatchObject({ code: 'timeout', stage: 'mt' });
    expect(await queued).toBe('AFTER');
    expect(p.pid).not.toBe(firstPid);
    expect(() => process.kill(firstPid!, 0)).toThrow();
  });

  it('reports a crash as engine_unavailable and restarts on the next request', async () => {
    const p = fake();
    await expect(p.request('die')).rejects.toMatchObject({ code: 'engine_unavailable' });
    expect(await p.request('again')).toBe('AGAIN');
  });

  it('stops restarting a process that keeps dying', async () => {
    const p = fake({ maxRestarts: 2, restartWindowMs: 60_000 });
    await expect(p.request('die')).rejects.toMatchObject({ code: 'engine_unavailable' });
    await expect(p.request('die')).rejects.toMatchObject({ code: 'engine_unavailable' });
    await expect(p.request('fine')).rejects.toThrow(/keeps exiting/);
  });

  it('fails clearly when the command is not installed', async () => {
    const p = fake({ command: 'tolk-no-such-binary', installHint: 'apt-get install it' });
    await expect(p.request('x')).rejects.toMatchObject({ code: 'engine_unavailable' });
    await expect(p.request('x')).rejects.toThrow(/not found \(apt-get install it\)/);
  });

  it('refuses work beyond its queue bound', async () => {
    const p = fake({ maxQueue: 1 });
    const first = p.request('slow');
    const second = p.request('b');
    await expect(p.request('c')).rejects.toMatchObject({ code: 'engine_busy' });
    expect(await first).toBe('SLOW');
    expect(await second).toBe('B');
  });

  it('lets a caller abort; the late reply is discarded and the next request gets its own', async () => {
    const p = fake();
    const controller = new AbortController();
    const slow = p.request('slow', controller.signal);
    const next = p.request('next');
    controller.abort();
    await expect(slow).rejects.toMatchObject({ code: 'timeout' });
    expect(await next).toBe('NEXT');
  });

  it('skips stray frames that are not the reply to the request in flight', async () => {
    const p = fake({ acceptReply: (reply, payload) => reply === payload.toUpperCase() });
    const [double, next] = await Promise.all([p.request('double'), p.request('next')]);
    expect(double).toBe('DOUBLE');
    expect(next).toBe('NEXT');
  });

  it('restarts a process that floods output without ever ending a reply', async () => {
    const p = fake();
    await expect(p.request('flood')).rejects.toThrow(/reply over/);
    expect(await p.request('ok')).toBe('OK');
  });

  it('rejects pending work on close', async () => {
    const p = fake();
    const hung = expect(p.request('hang')).rejects.toMatchObject({ code: 'engine_unavailable' });
    const queued = expect(p.request('x')).rejects.toMatchObject({ code: 'engine_unavailable' });
    await p.close();
    await hung;
    await queued;
    await expect(p.request('y')).rejects.toThrow(/closed/);
  });
});
