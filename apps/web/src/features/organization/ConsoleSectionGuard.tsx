import type { ReactNode } from 'react';
import { NotFoundPage } from '../../app/NotFoundPage';
import type { ConsoleSection } from './console-sections';
import { useConsoleOrganization } from './use-console-organization';

/**
 * A console section for those its menu item is shown to; anyone else gets the ordinary
 * not-found page (the server refuses them too), so a typed address reveals nothing.
 */
export function ConsoleSectionGuard({ isShownTo, children }: { isShownTo: ConsoleSection['isShownTo']; children: ReactNode }) {
  const organization = useConsoleOrganization();
  return isShownTo(organization) ? children : <NotFoundPage />;
}
