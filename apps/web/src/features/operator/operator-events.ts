import type { QueryClient } from '@tanstack/react-query';
import type { EventRegistry } from '../../platform/realtime/event-registry';
import { allApplicationsQueryKey } from './operator-api';

/** A new registration application arrived: the operator's queue refreshes wherever it is shown. */
export function registerOperatorEventHandlers({ registry, queryClient }: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  return registry.onEvent('application.submitted', () => {
    void queryClient.invalidateQueries({ queryKey: allApplicationsQueryKey });
  });
}
