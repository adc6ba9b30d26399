import type { QueryClient } from '@tanstack/react-query';
import { registerChatEventHandlers } from '../features/chats/chat-events';
import { registerInvitationEventHandlers } from '../features/invitations/invitation-events';
import { registerOperatorEventHandlers } from '../features/operator/operator-events';
import { registerProfileEventHandlers } from '../features/profile/profile-events';
import { registerSchoolEventHandlers } from '../features/school/school-events';
import type { EventRegistry } from '../platform/realtime/event-registry';

/** Each feature registers its own realtime handlers (no central switch over event names); this only lists the features. */
export function registerFeatureEventHandlers(deps: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  const stops = [registerProfileEventHandlers(deps), registerSchoolEventHandlers(deps), registerInvitationEventHandlers(deps), registerOperatorEventHandlers(deps), registerChatEventHandlers(deps)];
  return () => {
    for (const stop of stops) stop();
  };
}
