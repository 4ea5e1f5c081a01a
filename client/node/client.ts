/**
 * Node SDK for tolk's streaming protocol v1.
 *
 *   const stream = await connect('ws://127.0.0.1:8080/v1/stream', { sampleRate: 16000, encoding: 's16le' });
 *   await stream.sendAudio(samples);          // Float32Array in [-1, 1] (or Int16Array / raw bytes)
 *   for await (const event of stream) ...     // server messages + decoded audio, until the socket closes
 *   await stream.stop();                      // flush, wait for `end`
 *
 * Messages are validated with the server's own zod schemas (server/protocol/messages.ts).
 */
import WebSocket from 'ws';
import type { z } from 'zod';
import { decodeAudioFrame, encodePcm } from '../../server/protocol/audio-codec.ts';
import {
  type AudioStreamKind,
  type Encoding,
  type EndMessage,
  type ErrorMessage,
  type ReadyMessage,
  type ServerMessage,
  serverMessage,
  type startMessage,
} from '../../server/protocol/messages.ts';

export type StartOptions = Omit<z.input<typeof startMessage>, 'type' | 'encoding'> & { encoding?: Encoding };

export interface ConnectOptions {
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra handshake headers (e.g. Origin). */
  headers?: Record<string, string>;
  /** How long to wait for `ready` after `start`. */
  readyTimeoutMs?: number;
  /** sendAudio() waits while more than this many bytes are buffered towards the server. */
  sendHighWaterBytes?: number;
}

/** Binary audio from the server, decoded. */
export interface AudioEvent {
  type: 'audio';
  stream: AudioStreamKind;
  channel: number;
  sampleRate: number;
  samples: Float32Array;
}

/** A server frame that does not match the protocol (a server bug or version mismatch). */
export interface InvalidEvent {
  type: 'invalid';
  raw: string;
  issues: string;
}

export type ClientEvent = ServerMessage | AudioEvent | InvalidEvent;

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Thrown by start()/connect() when the server answers `start` with an error. */
export class StartError extends Error {
  constructor(readonly error: ErrorMessage) {
    super(`${error.code}: ${error.message}`);
    this.name = 'StartError';
  }
}

/** Thrown when the upgrade is refused (HTTP 401/403/503...). */
export class UpgradeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'UpgradeError';
  }
}

export class TolkStream implements AsyncIterable<ClientEvent> {
  private readonly buffer: ClientEvent[] = [];
  private readonly waiters: ((result: IteratorResult<ClientEvent>) => void)[] = [];
  private readonly listeners = new Set<(event: ClientEvent) => void>();
  private readonly channels = new Map<
    number,
    { stream: AudioStreamKind; sampleRate: number; encoding: Encoding }
  >();
  private done = false;
  private encoding: Encoding = 's16le';
  private lastEnd?: EndMessage;
  readyMessage?: ReadyMessage;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<CloseInfo>;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: ConnectOptions = {},
  ) {
    ws.binaryType = 'nodebuffer';
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.done = true;
        for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', () => {}); // surfaced through `closed`
    ws.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
  }

  /** Sends `start` and resolves with `ready`; rejects with StartError on an `error` reply. */
  start(options: StartOptions): Promise<ReadyMessage> {
    this.encoding = options.encoding ?? 's16le';
    const timeoutMs = this.options.readyTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ready within ${timeoutMs} ms`)), timeoutMs);
      const finish = (err?: Error, ready?: ReadyMessage) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (err) reject(err);
        else resolve(ready!);
      };
      const listener = (event: ClientEvent) => {
        if (event.type === 'ready') finish(undefined, (this.readyMessage = event));
        else if (event.type === 'error') finish(new StartError(event));
      };
      this.listeners.add(listener);
      void this.closed.then((c) => finish(new Error(`socket closed before ready (${c.code} ${c.reason})`)));
      this.sendJson({ type: 'start', ...options, encoding: this.encoding });
    });
  }

  /**
   * Encodes and sends one frame in the negotiated encoding (Float32Array in [-1, 1], Int16Array PCM,
   * or raw bytes as-is); waits first while the socket is backed up.
   */
  async sendAudio(samples: Float32Array | Int16Array | Uint8Array): Promise<void> {
    await this.whenWritable();
    let bytes: Uint8Array;
    if (samples instanceof Float32Array) bytes = encodePcm(samples, this.encoding);
    else if (samples instanceof Int16Array) {
      bytes =
        this.encoding === 's16le'
          ? new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)
          : encodePcm(
              Float32Array.from(samples, (v) => v / 32768),
              this.encoding,
            );
    } else bytes = samples; // raw bytes, already in the negotiated encoding
    this.sendBytes(bytes);
  }

  /** Sends a raw binary frame as-is (no encoding, no waiting). */
  sendBytes(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: true });
  }

  /** Sends any JSON text frame (the typed helpers are start/config/stop). */
  sendJson(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Sends a raw text frame. */
  sendText(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  config(options: { hotwords?: string[]; voice?: string }): void {
    this.sendJson({ type: 'config', ...options });
  }

  /** Sends `stop`, waits until the server closes the socket, returns its `end` message. */
  async stop(): Promise<EndMessage | undefined> {
    this.sendJson({ type: 'stop' });
    await this.closed;
    return this.lastEnd;
  }

  /** Closes the socket from this side (no `stop`: the server treats it as a vanished client). */
  close(code = 1000): Promise<CloseInfo> {
    this.ws.close(code);
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  [Symbol.asyncIterator](): AsyncIterator<ClientEvent> {
    return {
      next: () => {
        const value = this.buffer.shift();
        if (value) return Promise.resolve({ value, done: false });
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
      // Breaking out of a for-await keeps buffered events: a later loop continues where it left.
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }

  private async whenWritable(): Promise<void> {
    const highWater = this.options.sendHighWaterBytes ?? 256 * 1024;
    while (this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount > highWater) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    let event: ClientEvent;
    if (isBinary) {
      const channel = this.channels.get(data[0]);
      if (!channel) {
        event = {
          type: 'invalid',
          raw: `<${data.byteLength} binary bytes>`,
          issues: `unknown channel ${data[0]}`,
        };
      } else {
        const { samples } = decodeAudioFrame(data, channel.encoding);
        event = {
          type: 'audio',
          stream: channel.stream,
          channel: data[0],
          sampleRate: channel.sampleRate,
          samples,
        };
      }
    } else {
      const raw = data.toString('utf8');
      let parsed: ReturnType<typeof serverMessage.safeParse> | undefined;
      try {
        parsed = serverMessage.safeParse(JSON.parse(raw));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        event = { type: 'invalid', raw, issues: parsed ? parsed.error.message : 'not JSON' };
      } else {
        event = parsed.data;
        if (event.type === 'audio_start') {
          this.channels.set(event.channel, event);
        } else if (event.type === 'end') this.lastEnd = event;
      }
    }
    for (const listener of this.listeners) listener(event);
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: event, done: false });
    else this.buffer.push(event);
  }
}

/** Opens the WebSocket without sending `start` (for callers that want to drive the protocol). */
export function open(url: string, options: ConnectOptions = {}): Promise<TolkStream> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(new TolkStream(ws, options)));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let code: string | undefined;
        let message = `HTTP ${res.statusCode}`;
        try {
          const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
          code = parsed.error?.code;
          message = `HTTP ${res.statusCode} ${code}: ${parsed.error?.message ?? ''}`;
        } catch {}
        reject(new UpgradeError(res.statusCode ?? 0, code, message));
      });
    });
    ws.once('error', reject);
  });
}

/** Opens the socket, sends `start`, resolves once the server answered `ready`. */
export async function connect(
  url: string,
  start: StartOptions,
  options: ConnectOptions = {},
): Promise<TolkStream> {
  const stream = await open(url, options);
  try {
    await stream.start(start);
  } catch (err) {
    stream.terminate();
    throw err;
  }
  return stream;
}
