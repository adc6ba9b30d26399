import { createHmac } from 'node:crypto';
import type { TIceServersResponse } from '@parta/contracts';
import type { IceConfig } from '../config/index.ts';

/**
 * The ICE servers a browser gets for its RTCPeerConnection (docs/subsystems/media.md): STUN as
 * configured, and TURN with short-lived credentials in the TURN REST API scheme coturn checks
 * with `use-auth-secret`: the username is `<expiry, Unix seconds>:<who>`, the password is
 * base64(HMAC-SHA1(secret, username)). The TURN server needs no list of users, and refuses new
 * allocations with a credential past its expiry. `who` names the holder in the TURN server's logs
 * (a person's id, or `viewer` for a broadcast's viewers).
 */
export function iceServersFor(config: IceConfig, who: string, now: Date): TIceServersResponse {
  const iceServers: TIceServersResponse['iceServers'] = config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [];
  if (!config.turn) return { iceServers, expiresAt: null };
  const expiry = Math.floor(now.getTime() / 1000) + config.turn.ttlSeconds;
  const username = `${expiry}:${who}`;
  const credential = createHmac('sha1', config.turn.secret).update(username).digest('base64');
  return { iceServers: [...iceServers, { urls: config.turn.urls, username, credential }], expiresAt: new Date(expiry * 1000).toISOString() };
}
