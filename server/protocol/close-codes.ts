/**
 * WebSocket close codes tolk uses. Each close is preceded by an `error` and/or `end` message
 * when the socket is still writable, so clients can rely on the text codes; the close code is
 * for clients that only see the close.
 */
export const CLOSE_CODES = {
  /** Session ended after `stop` (or a clean end). */
  normal: 1000,
  /** Server shutting down (`shutting_down`). */
  goingAway: 1001,
  /** A frame exceeded the hard payload limit enforced by ws itself (see docs/protocol.md). */
  messageTooBig: 1009,
  /** Unexpected server failure (`internal`). */
  internalError: 1011,
  /** Server at capacity (`server_full`) when the limit was hit after the upgrade check. */
  tryAgainLater: 1013,
  /** `session_too_long`. */
  sessionTooLong: 4008,
  /** `idle_timeout`. */
  idleTimeout: 4009,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
