import type { QueryClient } from '@tanstack/react-query';
import type { EventRegistry } from '../../platform/realtime/event-registry';
import { myOrganizationsQueryKey } from '../organization/organization-api';
import { joinRequestsQueryKey } from './invitations-api';

/**
 * A join request waits for this person (an administrator or class teacher): the queue refetches.
 * The person's own request was decided: their organizations refetch (the notice is
 * JoinDecisionNotice, in the shell).
 */
export function registerInvitationEventHandlers({ registry, queryClient }: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  const stopCreated = registry.onEvent('joinRequest.created', ({ organizationId }) => {
    void queryClient.invalidateQueries({ queryKey: joinRequestsQueryKey(organizationId) });
  });
  const stopDecided = registry.onEvent('joinRequest.decided', () => {
    void queryClient.invalidateQueries({ queryKey: myOrganizationsQueryKey });
  });
  return () => {
    stopCreated();
    stopDecided();
  };
}
