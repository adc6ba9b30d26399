import type { QueryClient } from '@tanstack/react-query';
import { forgetStoredSeqs } from '../realtime/seq-store';
import { meQueryKey } from './me-api';

/**
 * Forgets everything about the signed-in person on this tab. Setting `me` to null makes the
 * route guard send the person to the sign-in page; nothing else needs to know how.
 */
export function endSession(queryClient: QueryClient, storage: Storage | undefined): void {
  // `me` is updated in place, not removed: removing a query detaches the components watching it,
  // and they would never learn that nobody is signed in any more.
  queryClient.setQueryData(meQueryKey, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
  forgetStoredSeqs(storage);
}
