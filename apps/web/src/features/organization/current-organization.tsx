import type { TOrganization } from '@parta/contracts';
import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useMe } from '../../platform/session/use-me';
import { browserLocalStorage, readChosenOrganization, storeChosenOrganization } from './chosen-organization-store';
import { fetchMyOrganizations, myOrganizationsQueryKey } from './organization-api';

export type CurrentOrganization = {
  /** 'loading' until the first answer; 'error' when it failed (see `retry`). */
  status: 'loading' | 'ready' | 'error';
  /** Every organization the person belongs to, each with `myRoles`; empty while loading. */
  organizations: readonly TOrganization[];
  /** The one the person works in now: their last choice on this device, else the first; null when none. */
  current: TOrganization | null;
  /** Makes another of `organizations` current and remembers it on this device. */
  select: (organizationId: string) => void;
  retry: () => void;
};

const CurrentOrganizationContext = createContext<CurrentOrganization | null>(null);
const noOrganizations: readonly TOrganization[] = [];

/** Provides useCurrentOrganization() to the signed-in app (mounted once, around the shell). */
export function CurrentOrganizationProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const query = useQuery({
    queryKey: myOrganizationsQueryKey,
    queryFn: ({ signal }) => fetchMyOrganizations(signal),
    staleTime: 60_000,
  });
  const [chosenId, setChosenId] = useState(() => readChosenOrganization(browserLocalStorage(), me.id));

  const select = useCallback(
    (organizationId: string) => {
      setChosenId(organizationId);
      storeChosenOrganization(browserLocalStorage(), me.id, organizationId);
    },
    [me.id],
  );
  const { data, isPending, isError, refetch } = query;
  const value = useMemo<CurrentOrganization>(() => {
    const organizations = data?.organizations ?? noOrganizations;
    return {
      status: data ? 'ready' : isPending ? 'loading' : isError ? 'error' : 'ready',
      organizations,
      current: organizations.find((organization) => organization.id === chosenId) ?? organizations[0] ?? null,
      select,
      retry: () => void refetch(),
    };
  }, [data, isPending, isError, chosenId, select, refetch]);

  return <CurrentOrganizationContext.Provider value={value}>{children}</CurrentOrganizationContext.Provider>;
}

/**
 * The organization the person is working in, for every feature that is scoped to one (chats,
 * classes, channels, statistics): `const { current } = useCurrentOrganization()`, then use
 * `current.id` in query keys and API paths so switching refetches everything for the new one.
 */
export function useCurrentOrganization(): CurrentOrganization {
  const value = useContext(CurrentOrganizationContext);
  if (!value) throw new Error('useCurrentOrganization() used outside CurrentOrganizationProvider');
  return value;
}
