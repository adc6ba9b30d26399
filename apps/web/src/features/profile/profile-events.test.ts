import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createEventRegistry } from '../../platform/realtime/event-registry';
import { meQueryKey } from '../../platform/session/me-api';
import { registerProfileEventHandlers } from './profile-events';

const me = { id: '5f0c3b8e-2a57-4a8e-9d6c-3f1f2b7c9a10', displayName: 'Мария', email: 'm@school.ru', phone: null, locale: 'ru' as const, isOperator: false, createdAt: '2026-01-01T00:00:00.000Z' };

describe('profile.updated', () => {
  it('replaces the cached me with the one from the event', () => {
    const queryClient = new QueryClient();
    const registry = createEventRegistry();
    queryClient.setQueryData(meQueryKey, me);
    const unregister = registerProfileEventHandlers({ registry, queryClient });
    const renamed = { ...me, displayName: 'Мария Петрова', locale: 'en' as const };
    registry.dispatch({ type: 'event', seq: 2, name: 'profile.updated', data: { me: renamed }, at: '2026-01-01T00:00:01.000Z' });
    expect(queryClient.getQueryData(meQueryKey)).toEqual(renamed);
    unregister();
    registry.dispatch({ type: 'event', seq: 3, name: 'profile.updated', data: { me }, at: '2026-01-01T00:00:02.000Z' });
    expect(queryClient.getQueryData(meQueryKey)).toEqual(renamed);
  });
});
