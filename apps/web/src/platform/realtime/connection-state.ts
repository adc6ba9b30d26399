export type ConnectionState = 'connecting' | 'online' | 'offline';

/**
 * What the indicator shows. One failed attempt is still "connecting" (a blip is normal on a
 * phone); after two in a row, or when the browser itself says it is offline, "offline".
 */
export function deriveConnectionState(input: { isReady: boolean; failedAttempts: number; isBrowserOffline: boolean; isSessionEnded: boolean }): ConnectionState {
  // The browser knows first: an open socket on a lost network delivers nothing.
  if (input.isSessionEnded || input.isBrowserOffline) return 'offline';
  if (input.isReady) return 'online';
  if (input.failedAttempts >= 2) return 'offline';
  return 'connecting';
}
