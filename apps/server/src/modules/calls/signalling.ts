import type { TCall, TSignalName, TSignalPayload } from '@parta/contracts';
import type { LocalizedText } from '../../platform/http/index.ts';
import { sdpStreams, type MediaPeer, type MediaServers } from '../../platform/media/index.ts';
import type { BusMessage, DomainClientMessage, EventBus, SocketContext } from '../../platform/realtime/index.ts';
import type { CallsService } from './calls.service.ts';

type Logger = { warn(object: unknown, message: string): void };

/** One device's presence on the media server in one group call (held by the node its socket is on). */
type DevicePeer = { callId: string; userId: string; connectionId: string; peer: MediaPeer; work: Promise<unknown>; closed: boolean };

const notInCall: LocalizedText = { ru: 'Это устройство не участвует в звонке.', en: 'This device is not in the call.' };
const mediaFailed: LocalizedText = { ru: 'Медиасервер не ответил. Попробуйте переподключиться.', en: 'The media server did not answer. Try reconnecting.' };
const mediaMissing: LocalizedText = { ru: 'Медиасервер недоступен.', en: 'The media server is unavailable.' };
const unknownFeed: LocalizedText = { ru: 'Среди участников звонка нет такого потока.', en: 'No participant of the call publishes such a feed.' };

/**
 * Call signalling over the WebSocket (docs/subsystems/calls.md). One-to-one: SDP and ICE are
 * relayed to the other participant's device, as they are. Group: this node holds a media-server
 * peer per device in the call whose socket is here, publishes and subscribes for it, and answers
 * that device only. Every message is checked against the call's state in the database: only a
 * device that joined the call (the connection that joined) may signal in it, only to another
 * device in the same call, and only to feeds of its participants.
 */
export function createCallSignalling(deps: { calls: CallsService; bus: EventBus; media: MediaServers | null; logger: Logger }) {
  const { calls, bus } = deps;
  const peers = new Map<string, DevicePeer>();
  const key = (connectionId: string, callId: string) => `${connectionId}:${callId}`;

  const signal = <N extends TSignalName>(userId: string, connectionId: string, name: N, data: TSignalPayload<N>) =>
    bus.publish([{ kind: 'signal', userIds: [userId], connectionIds: [connectionId], name, data, reliable: true }]);

  const fail = (from: SocketContext, callId: string, code: string, text: LocalizedText) => from.reply('media.error', { callId, code, message: text[from.locale] } satisfies TSignalPayload<'media.error'>);

  const closePeer = (device: DevicePeer) => {
    if (device.closed) return;
    device.closed = true;
    peers.delete(key(device.connectionId, device.callId));
    void device.peer.close().catch((error: unknown) => deps.logger.warn({ err: error }, 'closing a media peer failed'));
  };

  /** Runs a device's media requests one after another (publish before subscribe, answers in order). */
  const serially = (device: DevicePeer, from: SocketContext, work: (peer: MediaPeer) => Promise<void>) => {
    device.work = device.work
      .then(() => (device.closed ? undefined : work(device.peer)))
      .catch((error: unknown) => {
        deps.logger.warn({ err: error, callId: device.callId }, 'media request failed');
        fail(from, device.callId, 'media_failed', mediaFailed);
      });
  };

  async function devicePeer(from: SocketContext, callId: string, ref: { instance: string; roomId: number }): Promise<DevicePeer> {
    const existing = peers.get(key(from.connectionId, callId));
    if (existing) return existing;
    const peer = await deps.media!.openPeer(ref, { display: from.userId });
    const raced = peers.get(key(from.connectionId, callId));
    if (raced) {
      void peer.close();
      return raced;
    }
    const device: DevicePeer = { callId, userId: from.userId, connectionId: from.connectionId, peer, work: Promise.resolve(), closed: false };
    peers.set(key(from.connectionId, callId), device);
    peer.onClosed((reason) => {
      if (device.closed) return;
      closePeer(device);
      // Ending a call destroys its room, which may close the peer before the device has heard
      // the call ended: only a device still in the call is told its media was lost.
      void calls.deviceInCall(callId, from.userId, from.connectionId).then(
        (inCall) => {
          if (!inCall) return;
          deps.logger.warn({ callId, reason }, 'media peer closed by the media server');
          fail(from, callId, 'media_lost', mediaFailed);
        },
        () => fail(from, callId, 'media_lost', mediaFailed),
      );
    });
    return device;
  }

  async function handle(from: SocketContext, message: DomainClientMessage) {
    const inCall = await calls.deviceInCall(message.callId, from.userId, from.connectionId);
    if (!inCall) return fail(from, message.callId, 'not_in_call', notInCall);
    const { call } = inCall;

    if (message.type === 'call.signal') {
      if (call.mode !== 'p2p') return fail(from, call.id, 'not_in_call', notInCall);
      const target = (await calls.joinedParticipants(call.id)).find((row) => row.user_id === message.to && row.user_id !== from.userId);
      if (!target?.connection_id) return fail(from, call.id, 'not_in_call', notInCall);
      return signal(target.user_id, target.connection_id, 'call.signal', {
        callId: call.id,
        from: from.userId,
        ...(message.description ? { description: message.description } : {}),
        ...(message.candidate !== undefined ? { candidate: message.candidate } : {}),
      });
    }

    if (call.mode !== 'sfu' || call.media_instance === null || call.media_room === null) return fail(from, call.id, 'not_in_call', notInCall);
    if (!deps.media?.isAvailable()) return fail(from, call.id, 'media_unavailable', mediaMissing);
    const ref = { instance: call.media_instance, roomId: call.media_room };
    const device = await devicePeer(from, call.id, ref);

    switch (message.type) {
      case 'media.publish':
        return serially(device, from, async (peer) => {
          if (inCall.participant.feed_id === null) {
            const { feedId, answerSdp } = await peer.publish(message.sdp);
            const streams = sdpStreams(answerSdp);
            // Stored with its m-lines before the device hears of it: once it has its answer, the call
            // shows its feed, and a mute from any node reaches it, its media connected or not.
            const stored = await calls.setFeed(call.id, from.userId, from.connectionId, { feedId, streams });
            // Muted by the host before the feed was stored (read under the lock the mute takes): muted
            // before its media connects, so not a moment of it is heard.
            if (stored?.mutedByHost) {
              try {
                await deps.media!.moderate(ref, feedId, { audio: false }, streams);
              } catch (error) {
                // Not muted at the media server: the feed is withdrawn (nobody subscribes to it) rather than heard.
                await calls.setFeed(call.id, from.userId, from.connectionId, null);
                throw error;
              }
            }
            from.reply('media.answer', { callId: call.id, sdp: answerSdp, feedId } satisfies TSignalPayload<'media.answer'>);
          } else {
            const { answerSdp } = await peer.republish(message.sdp);
            // Its m-lines may have changed (a track added): kept for the host's mute.
            await calls.setFeed(call.id, from.userId, from.connectionId, { feedId: inCall.participant.feed_id, streams: sdpStreams(answerSdp) });
            from.reply('media.answer', { callId: call.id, sdp: answerSdp, feedId: inCall.participant.feed_id } satisfies TSignalPayload<'media.answer'>);
          }
        });
      case 'media.subscribe': {
        const feeds = new Set((await calls.joinedParticipants(call.id)).filter((row) => row.user_id !== from.userId && row.feed_id !== null).map((row) => row.feed_id!));
        if (message.feedIds.some((feedId) => !feeds.has(feedId))) return fail(from, call.id, 'unknown_feed', unknownFeed);
        return serially(device, from, async (peer) => {
          const offer = await peer.subscribe([...new Set(message.feedIds)]);
          if (offer) from.reply('media.offer', { callId: call.id, sdp: offer.offerSdp, streams: offer.streams } satisfies TSignalPayload<'media.offer'>);
        });
      }
      case 'media.answer':
        return serially(device, from, (peer) => peer.answerSubscription(message.sdp));
      case 'media.candidate':
        return serially(device, from, (peer) => peer.trickle(message.target, message.candidate));
    }
  }

  /** A call changed somewhere (any node): peers of devices no longer in it are let go. */
  const onBusMessage = (message: BusMessage) => {
    if (message.kind !== 'user-events' || message.name !== 'call.updated') return;
    const call = (message.data as { call: TCall }).call;
    for (const device of peers.values()) {
      if (device.callId !== call.id) continue;
      const still = call.status !== 'ended' && call.participants.some((row) => row.person.id === device.userId && row.state === 'joined' && row.connectionId === device.connectionId);
      if (!still) closePeer(device);
    }
  };
  const unsubscribe = bus.subscribe(onBusMessage);

  return {
    onClientMessage(from: SocketContext, message: DomainClientMessage) {
      void handle(from, message).catch((error: unknown) => {
        deps.logger.warn({ err: error, type: message.type }, 'call signalling failed');
        fail(from, message.callId, 'media_failed', mediaFailed);
      });
    },
    /** The device's socket closed: its media peers go now (it republishes when it comes back). */
    onSocketClosed(connectionId: string) {
      for (const device of peers.values()) if (device.connectionId === connectionId) closePeer(device);
    },
    peerCount: () => peers.size,
    close() {
      unsubscribe();
      for (const device of peers.values()) closePeer(device);
    },
  };
}
