/**
 * Room ids and links for the demo page. A new room gets 96 random bits (crypto.getRandomValues)
 * as 16 base64url characters, so the link is the room's only key; ids from the URL are checked
 * with the protocol's own pattern before they are used.
 */
import { ROOM_ID_PATTERN } from '../../server/protocol/messages.ts';

export function newRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}

/** A valid room id from a URL parameter, or undefined. */
export function roomIdFrom(value: string | null): string | undefined {
  return value && ROOM_ID_PATTERN.test(value) ? value : undefined;
}

/**
 * The page URL for a room. The link to share never carries this page's API token (`?token=`):
 * a key is not passed on by link; `keepToken` keeps it in this page's own address bar.
 */
export function roomLink(pageHref: string, roomId: string, keepToken = false): string {
  const current = new URL(pageHref);
  const url = new URL('/', current);
  url.searchParams.set('room', roomId);
  const token = current.searchParams.get('token');
  if (token && keepToken) url.searchParams.set('token', token);
  return url.href;
}
