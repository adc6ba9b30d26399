import type { ReactNode } from 'react';
import type { EventRegistry } from '../platform/realtime/event-registry';
import { RealtimeProvider } from '../platform/realtime/RealtimeProvider';
import { useMe } from '../platform/session/use-me';

/** Opens the realtime connection for the signed-in person (a new one when the person changes). */
export function SignedInRealtime({ registry, children }: { registry: EventRegistry; children: ReactNode }) {
  const me = useMe();
  return (
    <RealtimeProvider key={me.id} userId={me.id} registry={registry}>
      {children}
    </RealtimeProvider>
  );
}
