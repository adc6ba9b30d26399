import type { TCall } from '@parta/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { audioLevelIntervalMs, SpeakerDetector, type AudioLevels } from './active-speaker';
import { CallSession } from './call-session';
import { withSpeakerOnFirstPage } from './CallWindow';

const levels = (entries: Record<string, number>): AudioLevels => new Map(Object.entries(entries));

describe('who is speaking', () => {
  it('starts above the start level, holds between words, and stops after three quiet samples', () => {
    const detector = new SpeakerDetector({ selfId: 'me' });
    expect(detector.sample(levels({ anna: 0.04, ivan: 0.01 }))).toEqual({ speaking: [], dominant: null });
    expect(detector.sample(levels({ anna: 0.3, ivan: 0.01 }))).toEqual({ speaking: ['anna'], dominant: 'anna' });
    // Between the two levels: still speaking, however long.
    for (let step = 0; step < 5; step += 1) expect(detector.sample(levels({ anna: 0.03 })).speaking).toEqual(['anna']);
    // Two quiet samples and a word again: no flicker.
    detector.sample(levels({ anna: 0 }));
    expect(detector.sample(levels({ anna: 0 })).speaking).toEqual(['anna']);
    expect(detector.sample(levels({ anna: 0.2 })).speaking).toEqual(['anna']);
    detector.sample(levels({ anna: 0 }));
    detector.sample(levels({ anna: 0 }));
    // The third quiet sample in a row ends it; the last speaker stays the one to show.
    expect(detector.sample(levels({ anna: 0 }))).toEqual({ speaking: [], dominant: 'anna' });
  });

  it('keeps the one shown while they speak unless another is clearly louder, and never picks this person', () => {
    const detector = new SpeakerDetector({ selfId: 'me' });
    expect(detector.sample(levels({ me: 0.9, anna: 0.2 }))).toEqual({ speaking: ['anna', 'me'], dominant: 'anna' });
    expect(detector.sample(levels({ me: 0.9, anna: 0.2, ivan: 0.3 })).dominant).toBe('anna');
    expect(detector.sample(levels({ me: 0.9, anna: 0.2, ivan: 0.5 })).dominant).toBe('ivan');
    // Someone no longer measured (gone from the call) is not speaking.
    expect(detector.sample(levels({ me: 0.9, anna: 0.2 })).speaking).toEqual(['anna', 'me']);
  });

  it('brings the speaker onto the first page, moving only the two tiles that change places', () => {
    const tiles = ['me', 'a', 'b', 'c', 'd', 'e'].map((userId) => ({ userId }));
    const ids = (list: readonly { userId: string }[]) => list.map((tile) => tile.userId);
    expect(ids(withSpeakerOnFirstPage(tiles, 'e', 3))).toEqual(['me', 'a', 'e', 'c', 'd', 'b']);
    expect(ids(withSpeakerOnFirstPage(tiles, 'a', 3))).toEqual(ids(tiles));
    expect(ids(withSpeakerOnFirstPage(tiles, null, 3))).toEqual(ids(tiles));
    expect(ids(withSpeakerOnFirstPage(tiles, 'gone', 3))).toEqual(ids(tiles));
  });
});

describe('a call session’s speakers', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('samples the levels it is given about four times a second in a group call, and changes its state only when who speaks does', async () => {
    vi.useFakeTimers();
    const connection = { addTransceiver: vi.fn(), getSenders: () => [], createOffer: async () => ({ type: 'offer', sdp: '' }), setLocalDescription: vi.fn(), close: vi.fn(), getStats: async () => new Map() };
    let now: Record<string, number> = { anna: 0.3 };
    const readAudioLevels = vi.fn(async () => levels(now));
    const call = { id: 'call', mode: 'sfu', status: 'active', participants: [], startedBy: { id: 'anna' } } as unknown as TCall;
    const session = new CallSession(call, {
      meId: 'me',
      send: () => true,
      getUserMedia: () => Promise.reject(new Error('no devices here')),
      createPeerConnection: () => connection as unknown as RTCPeerConnection,
      onMediaChange: () => undefined,
      readAudioLevels,
    });
    const changes = vi.fn();
    session.subscribe(changes);
    await session.start(false);
    changes.mockClear();

    await vi.advanceTimersByTimeAsync(audioLevelIntervalMs);
    expect(session.getState()).toMatchObject({ speaking: ['anna'], dominantSpeaker: 'anna' });
    await vi.advanceTimersByTimeAsync(3 * audioLevelIntervalMs);
    expect(readAudioLevels).toHaveBeenCalledTimes(4);
    expect(changes).toHaveBeenCalledTimes(1);
    now = { anna: 0 };
    await vi.advanceTimersByTimeAsync(3 * audioLevelIntervalMs);
    expect(session.getState().speaking).toEqual([]);
    session.close();
    await vi.advanceTimersByTimeAsync(4 * audioLevelIntervalMs);
    expect(readAudioLevels).toHaveBeenCalledTimes(7);
  });
});
