import type { TServerMessage } from '@parta/contracts';
import { describe, expect, it } from 'vitest';
import { initialProtocolState, onServerMessage, onSocketClosed, onSocketOpened, type ProtocolEffect, type ProtocolState } from './protocol';
import { parseServerMessage } from './server-message';

const event = (seq: number, name = 'profile.updated'): Extract<TServerMessage, { type: 'event' }> => ({ type: 'event', seq, name, data: { n: seq }, at: '2026-01-01T00:00:00.000Z' });

/** Feeds messages one by one, collecting every effect. */
function run(state: ProtocolState, messages: TServerMessage[]): { state: ProtocolState; effects: ProtocolEffect[] } {
  const effects: ProtocolEffect[] = [];
  for (const message of messages) {
    const step = onServerMessage(state, message);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const appliedSeqs = (effects: ProtocolEffect[]) => effects.flatMap((effect) => (effect.type === 'apply' ? [effect.event.seq] : []));

describe('realtime protocol', () => {
  it('says hello with the last applied seq, or null on a first connect', () => {
    expect(onSocketOpened(initialProtocolState(41)).effects).toEqual([{ type: 'send', message: { type: 'hello', lastSeq: 41 } }]);
    expect(onSocketOpened(initialProtocolState(null)).effects).toEqual([{ type: 'send', message: { type: 'hello', lastSeq: null } }]);
  });

  it('applies replayed and live events in order and persists each seq', () => {
    const { state, effects } = run(initialProtocolState(10), [event(11), event(12), { type: 'ready', seq: 12, connectionId: 'c1' }, event(13)]);
    expect(appliedSeqs(effects)).toEqual([11, 12, 13]);
    expect(effects.filter((effect) => effect.type === 'persist')).toEqual([
      { type: 'persist', seq: 11 },
      { type: 'persist', seq: 12 },
      { type: 'persist', seq: 13 },
    ]);
    expect(effects.some((effect) => effect.type === 'refetchAll')).toBe(false);
    expect(state).toEqual({ lastSeq: 13, isReady: true });
  });

  it('ignores an event it has already applied', () => {
    const { state, effects } = run(initialProtocolState(10), [event(9), event(10)]);
    expect(effects).toEqual([]);
    expect(state.lastSeq).toBe(10);
  });

  it('reconnects on a gap without applying or advancing', () => {
    const { state, effects } = run({ lastSeq: 10, isReady: true }, [event(12)]);
    expect(effects).toEqual([{ type: 'reconnect', reason: 'gap' }]);
    expect(state.lastSeq).toBe(10);
  });

  it('on resync refetches everything and continues from the given seq', () => {
    const { state, effects } = run(initialProtocolState(3), [{ type: 'resync', seq: 9000 }, { type: 'ready', seq: 9000, connectionId: 'c1' }, event(9001)]);
    expect(effects.filter((effect) => effect.type === 'refetchAll')).toEqual([{ type: 'refetchAll', reason: 'resync' }]);
    expect(appliedSeqs(effects)).toEqual([9001]);
    expect(state).toEqual({ lastSeq: 9001, isReady: true });
  });

  it('a first connect adopts the server seq as baseline and refetches once', () => {
    const { state, effects } = run(initialProtocolState(null), [{ type: 'ready', seq: 7, connectionId: 'c1' }, event(8)]);
    expect(effects.filter((effect) => effect.type === 'refetchAll')).toEqual([{ type: 'refetchAll', reason: 'baseline' }]);
    expect(appliedSeqs(effects)).toEqual([8]);
    expect(state.lastSeq).toBe(8);
  });

  it('when ready does not match what it applied, trusts the server and refetches', () => {
    expect(run(initialProtocolState(10), [{ type: 'ready', seq: 4, connectionId: 'c1' }]).effects).toContainEqual({ type: 'refetchAll', reason: 'server-behind' });
    const ahead = run(initialProtocolState(10), [{ type: 'ready', seq: 15, connectionId: 'c1' }]);
    expect(ahead.effects).toContainEqual({ type: 'refetchAll', reason: 'missed-events' });
    expect(ahead.state.lastSeq).toBe(15);
  });

  it('hands on a signal without touching the sequence or persisting anything', () => {
    const signal = { type: 'signal' as const, name: 'chat.typing', data: { chatId: 'x' } };
    const { state, effects } = run({ lastSeq: 10, isReady: true }, [signal, event(11)]);
    expect(effects[0]).toEqual({ type: 'signal', signal });
    expect(appliedSeqs(effects)).toEqual([11]);
    expect(state).toEqual({ lastSeq: 11, isReady: true });
  });

  it('is not ready before the server says so, nor after the socket closes', () => {
    const opened = onSocketOpened(initialProtocolState(5)).state;
    expect(opened.isReady).toBe(false);
    const afterHeartbeat = run(opened, [{ type: 'heartbeat', at: 'x' }]);
    expect(afterHeartbeat.state.isReady).toBe(false);
    expect(afterHeartbeat.effects).toEqual([]);
    const ready = run(opened, [{ type: 'ready', seq: 5, connectionId: 'c1' }]).state;
    expect(ready.isReady).toBe(true);
    expect(onSocketClosed(ready)).toEqual({ lastSeq: 5, isReady: false });
  });
});

describe('parseServerMessage', () => {
  it('accepts the contract messages', () => {
    expect(parseServerMessage('{"type":"ready","seq":3}')).toEqual({ type: 'ready', seq: 3 });
    expect(parseServerMessage(JSON.stringify(event(4)))).toEqual(event(4));
    expect(parseServerMessage('{"type":"signal","name":"chat.typing","data":{"a":1}}')).toEqual({ type: 'signal', name: 'chat.typing', data: { a: 1 } });
  });

  it('rejects malformed or unknown messages instead of throwing', () => {
    expect(parseServerMessage('not json')).toBeNull();
    expect(parseServerMessage('{"type":"event","seq":"4"}')).toBeNull();
    expect(parseServerMessage('{"type":"ready","seq":-1}')).toBeNull();
    expect(parseServerMessage('{"type":"teleport"}')).toBeNull();
  });
});
