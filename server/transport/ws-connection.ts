/**
 * Binds one accepted WebSocket to a Session: turns ws events into session calls and gives the
 * session a SessionSink with send-side backpressure. Any exception in here is contained to
 * this connection.
 */
import { WebSocket } from 'ws';
import { Session, type SessionDeps, type SessionSink } from '../session/session.ts';

export interface ConnectionOptions {
  /** Binary frames to the client are dropped while ws.bufferedAmount is above this. */
  sendBufferMaxBytes: number;
}

export function attachSession(ws: WebSocket, deps: SessionDeps, options: ConnectionOptions): Session {
  const sink: SessionSink = {
    sendJson(message) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    sendBinary(frame) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      if (ws.bufferedAmount > options.sendBufferMaxBytes) return false;
      ws.send(frame, { binary: true });
      return true;
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
    pauseInput: () => ws.pause(),
    resumeInput: () => ws.resume(),
  };
  const session = new Session(sink, deps);
  const log = deps.logger.child({ session: session.id });

  ws.on('message', (data, isBinary) => {
    try {
      const bytes = toBytes(data);
      if (isBinary) session.handleBinary(bytes);
      else session.handleText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch (err) {
      // Session handlers validate their input; reaching this is a bug, not a client mistake.
      log.error({ err }, 'unhandled error in message handler');
      ws.terminate();
    }
  });
  ws.on('error', (err: Error & { code?: string }) => {
    // ws closes the socket itself after protocol errors (1002) or payloads over maxPayload (1009).
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      deps.metrics.errorsTotal.inc({ code: 'frame_too_large' });
    log.debug({ err }, 'websocket error');
  });
  ws.on('close', () => session.handleClientGone());
  return session;
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
