/**
 * Access control at the WebSocket upgrade. Both checks are off when their lists are empty
 * (the default). API keys come from `Authorization: Bearer <key>` or, for browsers that cannot
 * set headers on a WebSocket, `?token=<key>`. The Origin allowlist applies to requests that
 * carry an Origin header (browsers always do); non-browser clients send none and are judged by
 * their API key alone.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config.ts';
import type { ErrorCode } from '../errors.ts';

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; code: ErrorCode };

export function checkAccess(
  headers: IncomingHttpHeaders,
  url: URL,
  access: Config['access'],
): AccessDecision {
  if (access.apiKeys.length > 0) {
    const key = bearerToken(headers.authorization) ?? url.searchParams.get('token');
    if (!key || !access.apiKeys.some((k) => sameSecret(k, key))) {
      return { ok: false, status: 401, code: 'unauthorized' };
    }
  }
  if (access.allowedOrigins.length > 0) {
    const origin = headers.origin;
    if (
      origin !== undefined &&
      !access.allowedOrigins.includes('*') &&
      !access.allowedOrigins.includes(origin)
    ) {
      return { ok: false, status: 403, code: 'forbidden_origin' };
    }
  }
  return { ok: true };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1].trim();
}

/** Constant-time comparison (hashing first makes the lengths equal). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
