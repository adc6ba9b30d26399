import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createEventRegistry } from './event-registry';

const me = { id: '5f0c3b8e-2a57-4a8e-9d6c-3f1f2b7c9a10', displayName: 'Мария', email: 'm@school.ru', phone: null, locale: 'ru', isOperator: false, createdAt: '2026-01-01T00:00:00.000Z' };
const profileEvent = (data: unknown, seq = 1) => ({ type: 'event' as const, seq, name: 'profile.updated', data, at: '2026-01-01T00:00:00.000Z' });

describe('event registry', () => {
  it('calls the handlers registered for the name with the validated payload', () => {
    const registry = createEventRegistry();
    const first = vi.fn();
    const second = vi.fn();
    registry.onEvent('profile.updated', first);
    registry.onEvent('profile.updated', second);
    registry.dispatch(profileEvent({ me }, 7));
    expect(first).toHaveBeenCalledWith({ me }, { seq: 7, at: '2026-01-01T00:00:00.000Z' });
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('stops calling a handler once it is removed', () => {
    const registry = createEventRegistry();
    const handler = vi.fn();
    const remove = registry.onEvent('profile.updated', handler);
    remove();
    registry.dispatch(profileEvent({ me }));
    expect(handler).not.toHaveBeenCalled();
  });

  it('skips payloads that break the contract and reports them', () => {
    const onInvalidPayload = vi.fn();
    const registry = createEventRegistry({ onInvalidPayload });
    const handler = vi.fn();
    registry.onEvent('profile.updated', handler);
    registry.dispatch(profileEvent({ me: { ...me, locale: 'de' } }));
    expect(handler).not.toHaveBeenCalled();
    expect(onInvalidPayload).toHaveBeenCalledTimes(1);
  });

  it('ignores unknown event names and isolates a failing handler', () => {
    const onHandlerError = vi.fn();
    const registry = createEventRegistry({ onHandlerError });
    const after = vi.fn();
    registry.onEvent('profile.updated', () => {
      throw new Error('boom');
    });
    registry.onEvent('profile.updated', after);
    expect(() => registry.dispatch({ ...profileEvent({}), name: 'future.happened' })).not.toThrow();
    registry.dispatch(profileEvent({ me }));
    expect(onHandlerError).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('hands signals to their listeners when the data matches the given schema', () => {
    const registry = createEventRegistry();
    const handler = vi.fn();
    const stop = registry.onSignal('chat.typing', z.object({ chatId: z.string() }), handler);
    registry.dispatchSignal({ type: 'signal', name: 'chat.typing', data: { chatId: 'a' } });
    registry.dispatchSignal({ type: 'signal', name: 'chat.typing', data: { chatId: 5 } });
    registry.dispatchSignal({ type: 'signal', name: 'other', data: { chatId: 'b' } });
    expect(handler.mock.calls).toEqual([[{ chatId: 'a' }]]);
    stop();
    registry.dispatchSignal({ type: 'signal', name: 'chat.typing', data: { chatId: 'c' } });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('tells ready listeners each time the connection is ready', () => {
    const registry = createEventRegistry();
    const handler = vi.fn();
    const stop = registry.onReady(handler);
    registry.dispatchReady();
    registry.dispatchReady();
    stop();
    registry.dispatchReady();
    expect(handler).toHaveBeenCalledTimes(2);
  });
});
