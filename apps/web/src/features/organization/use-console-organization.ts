import type { TOrganization } from '@parta/contracts';
import { useOutletContext } from 'react-router';

export type ConsoleContext = { organization: TOrganization };

/** Inside the organization console: the organization being managed (never null there). */
export function useConsoleOrganization(): TOrganization {
  return useOutletContext<ConsoleContext>().organization;
}
