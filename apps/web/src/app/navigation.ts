import type { TMe, TOrganization } from '@parta/contracts';
import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { BroadcastsPage } from '../features/broadcasts/BroadcastsPage';
import { CallsPage } from '../features/calls/CallsPage';
import { ChannelsPage } from '../features/channels/ChannelsPage';
import { chatRoutes } from '../features/chats/chat-routes';
import { ChatsPage } from '../features/chats/ChatsPage';
import { ChatsUnreadBadge } from '../features/chats/ChatsUnreadBadge';
import { LibraryPage } from '../features/library/LibraryPage';
import { ApplicationsPage } from '../features/operator/ApplicationsPage';
import { hasOwnClasses } from '../features/organization/organization-roles';
import { PollsPage } from '../features/polls/PollsPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { MyClassesPage } from '../features/school/MyClassesPage';
import { StatsPage } from '../features/stats/StatsPage';
import { SupportPage } from '../features/support/SupportPage';
import type { TranslationKey } from '../platform/i18n/translation-key';
import { OrganizationConsole, organizationConsoleRoutes } from './organization-console';

export type Area = {
  path: string;
  labelKey: TranslationKey;
  Page: ComponentType;
  /**
   * Only these people see the menu item (given the person and their current organization, if
   * any); the page itself must still refuse everyone else.
   */
  isShownTo?: (me: TMe, organization: TOrganization | null) => boolean;
  /** Sub-pages under the area's path, rendered in its <Outlet />. */
  children?: RouteObject[];
  /** Shown after the menu item's name (a count of unread messages). */
  Badge?: ComponentType;
};

/** The product areas, in menu order (PRODUCT.md §4–11). One entry gives both a route and a menu item. */
export const areas: readonly Area[] = [
  { path: '/my-classes', labelKey: 'nav.myClasses', Page: MyClassesPage, isShownTo: (_me, organization) => organization !== null && hasOwnClasses(organization) },
  { path: '/chats', labelKey: 'nav.chats', Page: ChatsPage, children: chatRoutes, Badge: ChatsUnreadBadge },
  { path: '/channels', labelKey: 'nav.channels', Page: ChannelsPage },
  { path: '/calls', labelKey: 'nav.calls', Page: CallsPage },
  { path: '/broadcasts', labelKey: 'nav.broadcasts', Page: BroadcastsPage, isShownTo: (_me, organization) => organization !== null },
  { path: '/library', labelKey: 'nav.library', Page: LibraryPage },
  { path: '/polls', labelKey: 'nav.polls', Page: PollsPage },
  { path: '/stats', labelKey: 'nav.stats', Page: StatsPage },
  { path: '/organization', labelKey: 'nav.organization', Page: OrganizationConsole, children: organizationConsoleRoutes },
  { path: '/support', labelKey: 'nav.support', Page: SupportPage },
  { path: '/operator/applications', labelKey: 'nav.operatorApplications', Page: ApplicationsPage, isShownTo: (me) => me.isOperator },
  { path: '/profile', labelKey: 'nav.profile', Page: ProfilePage },
];
