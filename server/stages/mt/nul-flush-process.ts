/**
 * One long-lived subprocess that answers NUL-terminated requests with NUL-terminated replies
 * (apertium's null-flush mode). Requests queue (bounded) and go one at a time, so a reply is
 * always the answer to the request in flight. A request that outlives its deadline kills the
 * whole process group and the next request starts a fresh process; a process that keeps dying
 * is not restarted in a tight loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PipelineError } from '../../errors.ts';

export interface NulFlushProcessOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Per-request deadline, counted from when the request is written (not while queued). */
  timeoutMs: number;
  /** Requests waiting behind the one in flight; more are refused with engine_busy. */
  maxQueue: number;
  /** Unexpected exits tolerated within restartWindowMs before refusing for that window. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Shown in errors, e.g. "apertium eng-spa". */
  label: string;
  /** Appended to "not installed" errors, e.g. the apt-get line. */
  installHint?: string;
  /**
   * Whether a reply frame answers the request in flight. Frames it rejects are stray (an
   * extra flush) and skipped, so a reply can never be handed to the wrong caller.
   */
  acceptReply?: (reply: string, payload: string) => boolean;
}

interface Pending {
  payload: string;
  resolve: (reply: string) => void;
  reject: (err: Error) => void;
  /** Set when the caller gave up (abort); the reply is then discarded. */
  abandoned: boolean;
  cleanup: () => void;
}

const STDERR_TAIL_CHARS = 2000;
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export class NulFlushProcess {
  private child: ChildProcess | null = null;
  private readonly queue: Pending[] = [];
  private inFlight: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stdoutChunks: Buffer[] = [];
  private stderrTail = '';
  private crashTimes: number[] = [];
  private closed = false;
  private readonly opts: Required<Omit<NulFlushProcessOptions, 'env' | 'installHint' | 'acceptReply'>> &
    Pick<NulFlushProcessOptions, 'env' | 'installHint' | 'acceptReply'>;

  constructor(options: NulFlushProcessOptions) {
    this.opts = { maxRestarts: 3, restartWindowMs: 10_000, ...options };
  }

  /** Pid of the running process group leader, or undefined when none is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  request(payload: string, signal?: AbortSignal): Promise<string> {
    if (this.closed) return Promise.reject(this.error('engine_unavailable', 'engine is closed'));
    if (signal?.aborted) return Promise.reject(this.error('timeout', 'aborted before start'));
    if (this.queue.length >= this.opts.maxQueue) {
      return Promise.reject(this.error('engine_busy', `${this.queue.length} requests already queued`));
    }
    return new Promise<string>((resolve, reject) => {
      const item: Pending = { payload, resolve, reject, abandoned: false, cleanup: () => {} };
      if (signal) {
        const onAbort = () => {
          const idx = this.queue.indexOf(item);
          if (idx >= 0) this.queue.splice(idx, 1);
          item.abandoned = true;
          reject(this.error('timeout', 'caller gave up waiting'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        item.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(item);
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = this.error('engine_unavailable', 'engine is closed');
    for (const item of this.queue.splice(0)) this.settle(item, err);
    if (this.inFlight) this.settle(this.inFlight, err);
    this.inFlight = null;
    this.clearTimer();
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    const grace = setTimeout(() => killGroup(child, 'SIGKILL'), 1000);
    await exited;
    clearTimeout(grace);
  }

  private pump(): void {
    if (this.closed || this.inFlight || this.queue.length === 0) return;
    if (this.crashLooping()) {
      const err = this.error(
        'engine_unavailable',
        `keeps exiting (${this.crashTimes.length} times in ${this.opts.restartWindowMs} ms): ${this.stderrTail.trim()}`,
      );
      for (const item of this.queue.splice(0)) this.settle(item, err);
      return;
    }
    const item = this.queue.shift()!;
    const child = this.child ?? this.start();
    this.inFlight = item;
    this.timer = setTimeout(() => this.onTimeout(child), this.opts.timeoutMs);
    child.stdin?.write(`${item.payload}\0`);
  }

  private start(): ChildProcess {
    this.stdoutChunks = [];
    // detached: its own process group, so a timeout kills every stage of a shell pipeline.
    const child = spawn(this.opts.command, this.opts.args, {
      env: this.opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.onStdout(child, chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    // EPIPE when the process died under us: the exit handler reports it.
    child.stdin!.on('error', () => {});
    child.on('error', (err: NodeJS.ErrnoException) => this.onExit(child, err));
    child.on('exit', (code, sig) => this.onExit(child, undefined, code, sig));
    return child;
  }

  private onStdout(child: ChildProcess, chunk: Buffer): void {
    if (child !== this.child) return;
    this.stdoutChunks.push(chunk);
    if (!chunk.includes(0)) {
      // A reply is at most a few KB; megabytes without a NUL mean the framing is broken.
      if (this.stdoutChunks.reduce((n, c) => n + c.length, 0) > MAX_REPLY_BYTES) {
        this.killAndFail(
          child,
          this.error('engine_unavailable', `reply over ${MAX_REPLY_BYTES} bytes; restarted`),
        );
      }
      return;
    }
    let buf = Buffer.concat(this.stdoutChunks);
    let nul = buf.indexOf(0);
    while (nul >= 0) {
      const reply = buf.subarray(0, nul).toString('utf8');
      buf = buf.subarray(nul + 1);
      this.onReply(reply);
      nul = buf.indexOf(0);
    }
    this.stdoutChunks = buf.length ? [buf] : [];
  }

  private onReply(reply: string): void {
    const item = this.inFlight;
    // A NUL with nothing in flight, or one that is not this request's, is an extra flush.
    if (!item || (this.opts.acceptReply && !this.opts.acceptReply(reply, item.payload))) return;
    this.clearTimer();
    this.inFlight = null;
    if (!item.abandoned) {
      item.cleanup();
      item.resolve(reply);
    }
    this.pump();
  }

  private onTimeout(child: ChildProcess): void {
    this.timer = null;
    this.killAndFail(child, this.error('timeout', `no reply within ${this.opts.timeoutMs} ms; restarted`));
  }

  /** Kills the process group, fails the request in flight, and starts a replacement. */
  private killAndFail(child: ChildProcess, err: PipelineError): void {
    this.clearTimer();
    const item = this.inFlight;
    this.inFlight = null;
    if (this.child === child) this.child = null;
    killGroup(child, 'SIGKILL');
    if (item) this.settle(item, err);
    this.restart();
  }

  /** Starts the replacement right away so the next request does not pay the start-up time. */
  private restart(): void {
    if (!this.closed && !this.child && !this.crashLooping()) this.start();
    this.pump();
  }

  private onExit(
    child: ChildProcess,
    err?: NodeJS.ErrnoException,
    code?: number | null,
    sig?: NodeJS.Signals | null,
  ): void {
    if (child !== this.child) return;
    this.child = null;
    this.clearTimer();
    let message: string;
    if (err?.code === 'ENOENT') {
      message = `${this.opts.command} not found${this.opts.installHint ? ` (${this.opts.installHint})` : ''}`;
    } else {
      message = err
        ? err.message
        : `exited (code ${code ?? 'none'}, signal ${sig ?? 'none'}): ${this.stderrTail.trim().slice(-500)}`;
      this.crashTimes.push(Date.now());
    }
    const item = this.inFlight;
    this.inFlight = null;
    if (err?.code === 'ENOENT') {
      // Not installed: every waiting request fails the same way; no restart will help.
      for (const q of this.queue.splice(0)) this.settle(q, this.error('engine_unavailable', message));
    }
    if (item) this.settle(item, this.error('engine_unavailable', message));
    if (err?.code === 'ENOENT') this.pump();
    else this.restart();
  }

  private crashLooping(): boolean {
    const since = Date.now() - this.opts.restartWindowMs;
    this.crashTimes = this.crashTimes.filter((t) => t >= since);
    return this.crashTimes.length >= this.opts.maxRestarts;
  }

  private settle(item: Pending, err: Error): void {
    if (item.abandoned) return;
    item.abandoned = true;
    item.cleanup();
    item.reject(err);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private error(code: 'engine_unavailable' | 'engine_busy' | 'timeout', detail: string): PipelineError {
    return new PipelineError(code, 'mt', { message: `${this.opts.label}: ${detail}`, recoverable: true });
  }
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // Already gone.
  }
}
