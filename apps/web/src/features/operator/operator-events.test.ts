import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createEventRegistry } from '../../platform/realtime/event-registry';
import { applicationsQueryKey } from './operator-api';
import { registerOperatorEventHandlers } from './operator-events';

describe('operator events', () => {
  it('application.submitted refreshes every list of the review queue, and only those', () => {
    const queryClient = new QueryClient();
    for (const key of [applicationsQueryKey('pending'), applicationsQueryKey('approved'), ['me']]) queryClient.setQueryData(key, { cached: true });
    const registry = createEventRegistry();
    const stop = registerOperatorEventHandlers({ registry, queryClient });
    registry.dispatch({ type: 'event', seq: 1, name: 'application.submitted', data: { applicationId: '0c9e8a52-6a3e-4c1f-9b7d-2f4e5a6b7c81' }, at: '2026-03-05T10:00:00.000Z' });
    const stale = (key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated;
    expect([stale(applicationsQueryKey('pending')), stale(applicationsQueryKey('approved')), stale(['me'])]).toEqual([true, true, false]);
    stop();
  });
});
