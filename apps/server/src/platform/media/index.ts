// The media-server platform layer: Janus (VideoRoom over WebSockets) supervised and driven for
// group calls. See docs/subsystems/media.md.
export { MediaUnavailableError, type MediaLogger, type MediaRoomRef } from './types.ts';
export {
  createMediaServers,
  feedIsGone,
  roomIsGone,
  sdpStreams,
  type IceCandidateInit,
  type MediaInstance,
  type MediaPeer,
  type MediaRelay,
  type MediaServers,
  type MediaServersOptions,
  type MediaServerStatus,
  type MediaStreamType,
  type RtpForward,
  type SubscriptionOffer,
} from './media-servers.ts';
export { findJanusBinary, startLocalJanus, writeJanusConfig, type LocalJanus, type LocalJanusOptions } from './local-janus.ts';
export { iceServersFor } from './ice-servers.ts';
