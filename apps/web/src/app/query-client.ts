import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from '../platform/api';

/** Retry what may succeed later (network, 5xx); never a 4xx, whose answer will not change. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

/**
 * One QueryClient for the app. Any 401 from any call ends the session, which sends the person
 * to the sign-in page through the route guard.
 */
export function createAppQueryClient(onUnauthenticated: (client: QueryClient) => void): QueryClient {
  const handleError = (error: unknown) => {
    if (isApiError(error) && error.code === 'unauthenticated') onUnauthenticated(client);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: handleError }),
    mutationCache: new MutationCache({ onError: handleError }),
    defaultOptions: {
      queries: { retry: shouldRetry },
      mutations: { retry: false },
    },
  });
  return client;
}
