import type { QueryClient } from '@tanstack/react-query';
import type { EventRegistry } from '../../platform/realtime/event-registry';
import { invalidateMembership } from './use-school-queries';

/**
 * The person's place in an organization changed (joined, verified, moved, left): their
 * organizations (with `myRoles`) and that organization's classes and people are refetched.
 */
export function registerSchoolEventHandlers({ registry, queryClient }: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  return registry.onEvent('membership.changed', ({ organizationId }) => {
    void invalidateMembership(queryClient, organizationId);
  });
}
