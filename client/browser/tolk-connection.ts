/**
 * One logical conversation with the server over `/v1/stream`, kept alive across dropped sockets:
 * every socket is one protocol session (`start` → `ready` → audio → `stop` → `end`). When a socket
 * closes without the user asking (server down, restarted, shutting down, a fatal session error),
 * it reconnects with exponential backoff and starts a new session; audio captured while no
 * session is ready is dropped, not queued (a live conversation has no use for stale audio).
 *
 * Server messages are checked with the protocol's own zod schemas (server/protocol/messages.ts).
 */
import { AUDIO_HEADER_BYTES } from '../../server/protocol/audio-codec.ts';
import {
  AUDIO_CHANNELS,
  type ErrorMessage,
  type ReadyMessage,
  type ServerMessage,
  type StartMessage,
  serverMessage,
} from '../../server/protocol/messages.ts';

export type ConnectionStatus =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'starting' }
  | { kind: 'ready'; ready: ReadyMessage }
  | { kind: 'reconnecting'; attempt: number; inMs: number; reason: string }
  | { kind: 'stopping' }
  | { kind: 'stopped'; reason: string };

export interface ConnectionHandlers {
  status(status: ConnectionStatus): void;
  /** A validated server message; `session` counts sockets from 1 (segment ids restart per session). */
  message(message: ServerMessage, session: number): void;
  /** PCM of a channel-2 (translated speech) frame, header removed. */
  speech(pcm: Uint8Array, session: number): void;
  /** Something the page should show but that does not end the conversation. */
  warning(text: string): void;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Stop sending audio while this much is waiting in the socket (the server is not reading). */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** How long `stop()` waits for the server's `end` before closing anyway. */
const STOP_TIMEOUT_MS = 10_000;

export function backoffMs(
  attempt: number,
  { initialMs, maxMs }: BackoffOptions,
  random = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class TolkConnection {
  private socket?: WebSocket;
  private session = 0;
  private attempt = 0;
  private ready = false;
  private stopRequested = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private lastFatal?: ErrorMessage;
  private stopped?: () => void;
  /** Audio frames dropped because no session was ready or the socket was backed up. */
  droppedFrames = 0;

  constructor(
    private readonly url: string,
    private readonly start: Omit<StartMessage, 'type'>,
    private readonly handlers: ConnectionHandlers,
    private readonly backoff: BackoffOptions = { initialMs: 500, maxMs: 8000 },
  ) {}

  open(): void {
    this.stopRequested = false;
    this.connect();
  }

  /** Sends one audio frame if a session is ready; returns false when it was dropped. */
  sendAudio(pcm: Uint8Array): boolean {
    const socket = this.socket;
    if (
      !this.ready ||
      !socket ||
      socket.readyState !== WebSocket.OPEN ||
      socket.bufferedAmount > MAX_BUFFERED_BYTES
    ) {
      this.droppedFrames++;
      return false;
    }
    socket.send(pcm);
    return true;
  }

  /** Flushes the session (`stop`, wait for `end`) and stays closed. */
  stop(): Promise<void> {
    this.stopRequested = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.ready) {
      socket?.close(1000);
      this.finish('stopped');
      return Promise.resolve();
    }
    this.handlers.status({ kind: 'stopping' });
    socket.send(JSON.stringify({ type: 'stop' }));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.close(1000), STOP_TIMEOUT_MS);
      this.stopped = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private connect(): void {
    this.attempt++;
    this.handlers.status({ kind: 'connecting', attempt: this.attempt });
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.ready = false;
    this.lastFatal = undefined;
    const session = ++this.session;
    let opened = false;

    socket.onopen = () => {
      opened = true;
      this.handlers.status({ kind: 'starting' });
      socket.send(JSON.stringify({ type: 'start', ...this.start }));
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data === 'string') this.onText(event.data, session);
      else this.onBinary(event.data, session);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.ready = false;
      void this.onClose(event, opened);
    };
    // Errors are always followed by close, which decides what to do.
    socket.onerror = () => {};
  }

  private onText(text: string, session: number): void {
    let parsed: ServerMessage;
    try {
      const result = serverMessage.safeParse(JSON.parse(text));
      if (!result.success) {
        this.handlers.warning(
          `Ignored a server message that does not match protocol v1: ${text.slice(0, 120)}`,
        );
        return;
      }
      parsed = result.data;
    } catch {
      this.handlers.warning('Ignored a server text frame that is not JSON.');
      return;
    }
    if (parsed.type === 'ready') {
      this.ready = true;
      this.attempt = 0;
      this.handlers.status({ kind: 'ready', ready: parsed });
    } else if (parsed.type === 'error' && !parsed.recoverable) {
      this.lastFatal = parsed;
    }
    this.handlers.message(parsed, session);
  }

  private onBinary(data: ArrayBuffer, session: number): void {
    if (data.byteLength < AUDIO_HEADER_BYTES) return;
    const channel = new Uint8Array(data, 0, 1)[0];
    if (channel === AUDIO_CHANNELS.speech)
      this.handlers.speech(new Uint8Array(data, AUDIO_HEADER_BYTES), session);
    // Channel 1 (denoised input) is never requested by the page.
  }

  private async onClose(event: CloseEvent, opened: boolean): Promise<void> {
    if (this.stopRequested) {
      this.finish('stopped');
      return;
    }
    const reason = this.lastFatal
      ? `session ended by the server: ${this.lastFatal.message} (${this.lastFatal.code})`
      : opened
        ? `connection lost (close ${event.code}${event.reason ? `: ${event.reason}` : ''})`
        : await this.whyNoConnection();
    const inMs = backoffMs(this.attempt, this.backoff);
    this.handlers.status({ kind: 'reconnecting', attempt: this.attempt, inMs, reason });
    this.retryTimer = setTimeout(() => {
      if (!this.stopRequested) this.connect();
    }, inMs);
  }

  /** A browser hides why a WebSocket upgrade failed; ask the HTTP side of the server. */
  private async whyNoConnection(): Promise<string> {
    try {
      const health = new URL('/healthz', this.url.replace(/^ws/, 'http'));
      const res = await fetch(health, { cache: 'no-store' });
      if (!res.ok) return `server unhealthy (HTTP ${res.status})`;
      return 'server refused the connection (full, draining, or it needs an API key: add ?token=KEY to the page URL)';
    } catch {
      return 'server unreachable';
    }
  }

  private finish(reason: string): void {
    this.handlers.status({ kind: 'stopped', reason });
    this.stopped?.();
    this.stopped = undefined;
  }
}
