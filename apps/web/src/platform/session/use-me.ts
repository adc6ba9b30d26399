import type { TMe, TUpdateMeRequest } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { fetchMe, meQueryKey, updateMe } from './me-api';

export function useMeQuery() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
  });
}

/** The signed-in person inside the app shell, where the route guard guarantees one. */
export function useMe(): TMe {
  const { data } = useMeQuery();
  // While signing out, `me` turns null a moment before the guard unmounts the page; keep the last value.
  const lastKnown = useRef<TMe | null>(null);
  if (data) lastKnown.current = data;
  if (!lastKnown.current) throw new Error('useMe() used outside a signed-in route');
  return lastKnown.current;
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateMeRequest) => updateMe(body),
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}
