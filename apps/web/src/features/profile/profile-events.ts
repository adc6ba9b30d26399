import type { QueryClient } from '@tanstack/react-query';
import type { EventRegistry } from '../../platform/realtime/event-registry';
import { meQueryKey } from '../../platform/session/me-api';

/** The profile changed elsewhere (another tab or device): show the new name and language here too. */
export function registerProfileEventHandlers({ registry, queryClient }: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  return registry.onEvent('profile.updated', ({ me }) => {
    queryClient.setQueryData(meQueryKey, me);
  });
}
