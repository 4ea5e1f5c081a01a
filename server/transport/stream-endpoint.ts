/**
 * The WebSocket endpoint GET /v1/stream on the HTTP server's `upgrade` event (ws in noServer
 * mode). Refusals happen before the handshake, as plain HTTP responses with a JSON body
 * `{ "error": { "code", "message" } }`: 404 wrong path, 401 unauthorized, 403 forbidden_origin,
 * 503 server_full / shutting_down (with Retry-After).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import { CLOSE_CODES } from '../protocol/close-codes.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import type { SessionDeps } from '../session/session.ts';
import type { SessionManager } from '../session/session-manager.ts';
import { checkAccess } from './access.ts';
import { attachSession } from './ws-connection.ts';

export const STREAM_PATH = '/v1/stream';

/** Hard ws payload limit; frames between maxFrameBytes and this get a frame_too_large error. */
export function hardPayloadLimit(maxFrameBytes: number): number {
  return Math.max(2 * maxFrameBytes, 64 * 1024);
}

export interface StreamEndpointOptions {
  deps: SessionDeps;
  sessions: SessionManager;
  isShuttingDown: () => boolean;
  sendBufferMaxBytes: number;
}

export interface StreamEndpoint {
  close(): void;
}

export function attachStreamEndpoint(server: Server, options: StreamEndpointOptions): StreamEndpoint {
  const { sessions } = options;
  const { config, metrics, logger } = options.deps;
  // Rooms live as long as the endpoint; sessions join them at `start`.
  const deps = { ...options.deps, rooms: options.deps.rooms ?? new RoomRegistry(config.rooms) };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: hardPayloadLimit(config.limits.maxFrameBytes),
    perMessageDeflate: false, // PCM does not compress; deflate would cost CPU per frame
    clientTracking: false,
  });

  const refuse = (socket: Duplex, status: number, code: ErrorCode, extra: Record<string, string> = {}) => {
    metrics.upgradesRejected.inc({ code });
    metrics.errorsTotal.inc({ code });
    writeHttpError(socket, status, code, extra);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => logger.debug({ err }, 'upgrade socket error'));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return writeHttpError(socket, 400, 'bad_message');
    }
    if (url.pathname !== STREAM_PATH) return writeHttpError(socket, 404, 'bad_message', {}, 'Not Found');
    if (options.isShuttingDown()) return refuse(socket, 503, 'shutting_down', { 'Retry-After': '5' });
    const access = checkAccess(req.headers, url, config.access);
    if (!access.ok) return refuse(socket, access.status, access.code);
    if (sessions.full) return refuse(socket, 503, 'server_full', { 'Retry-After': '1' });

    wss.handleUpgrade(req, socket, head, (ws) => {
      // Capacity could have been taken while the handshake ran: refuse with 1013.
      if (sessions.full || options.isShuttingDown()) {
        const code: ErrorCode = options.isShuttingDown() ? 'shutting_down' : 'server_full';
        metrics.errorsTotal.inc({ code });
        ws.send(JSON.stringify({ type: 'error', code, message: ERROR_CODES[code], recoverable: false }));
        ws.close(code === 'shutting_down' ? CLOSE_CODES.goingAway : CLOSE_CODES.tryAgainLater, code);
        return;
      }
      sessions.add(attachSession(ws, deps, { sendBufferMaxBytes: options.sendBufferMaxBytes }));
    });
  };

  server.on('upgrade', onUpgrade);
  return {
    close() {
      server.off('upgrade', onUpgrade);
      wss.close();
    },
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

function writeHttpError(
  socket: Duplex,
  status: number,
  code: ErrorCode,
  extra: Record<string, string> = {},
  message: string = ERROR_CODES[code],
): void {
  const body = JSON.stringify({ error: { code, message } });
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...(status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
    ...extra,
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\n${head}\r\n\r\n${body}`);
}
