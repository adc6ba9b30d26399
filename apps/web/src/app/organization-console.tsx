import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { ChatRulesSection } from '../features/chats/ChatRulesSection';
import { ReportsSection } from '../features/chats/ReportsSection';
import { InvitationsSection } from '../features/invitations/InvitationsSection';
import { JoinRequestsSection } from '../features/invitations/JoinRequestsSection';
import type { ConsoleSection } from '../features/organization/console-sections';
import { ConsoleSectionGuard } from '../features/organization/ConsoleSectionGuard';
import { OrganizationPage } from '../features/organization/OrganizationPage';
import { OrganizationProfile } from '../features/organization/OrganizationProfile';
import { isAdministrator, isStaff } from '../features/organization/organization-roles';
import { ClassesSection } from '../features/school/ClassesSection';
import { ClassPage } from '../features/school/ClassPage';
import { PeopleSection } from '../features/school/PeopleSection';
import { RosterImportSection } from '../features/school/RosterImportSection';
import { VerificationSection } from '../features/school/VerificationSection';
import { NotFoundPage } from './NotFoundPage';

type ConsolePage = ConsoleSection & {
  Page: ComponentType;
  /** Who may open the page (by default those who see its menu item); the page itself handles the server's 403. */
  isReachableBy?: ConsoleSection['isShownTo'];
};

/**
 * The sections of «Организация», in menu order. Who sees a section follows the person's roles in
 * the current organization; the section itself refuses others, and the server checks everything.
 */
const consolePages: readonly ConsolePage[] = [
  { path: '', labelKey: 'console.sections.profile', isShownTo: () => true, Page: OrganizationProfile },
  { path: 'classes', labelKey: 'console.sections.classes', isShownTo: isStaff, Page: ClassesSection },
  { path: 'people', labelKey: 'console.sections.people', isShownTo: isStaff, Page: PeopleSection },
  { path: 'verification', labelKey: 'console.sections.verification', isShownTo: isAdministrator, Page: VerificationSection },
  { path: 'invitations', labelKey: 'console.sections.invitations', isShownTo: isStaff, Page: InvitationsSection },
  { path: 'join-requests', labelKey: 'console.sections.joinRequests', isShownTo: isStaff, Page: JoinRequestsSection },
  { path: 'import', labelKey: 'console.sections.import', isShownTo: isAdministrator, Page: RosterImportSection },
  { path: 'chat-rules', labelKey: 'console.sections.chatRules', isShownTo: isAdministrator, Page: ChatRulesSection },
  // Class teachers see their classes' reports too: they come from «Мои классы»; the server decides (403 → «нет доступа»).
  { path: 'reports', labelKey: 'console.sections.reports', isShownTo: isAdministrator, isReachableBy: isStaff, Page: ReportsSection },
];

export function OrganizationConsole() {
  return <OrganizationPage sections={consolePages} />;
}

export const organizationConsoleRoutes: RouteObject[] = [
  ...consolePages.map(({ path, Page, isShownTo, isReachableBy }): RouteObject => {
    const element = (
      <ConsoleSectionGuard isShownTo={isReachableBy ?? isShownTo}>
        <Page />
      </ConsoleSectionGuard>
    );
    return path === '' ? { index: true, element } : { path, element };
  }),
  // Any member may open a class they belong to (the server decides); staff reach it from «Классы».
  { path: 'classes/:classId', element: <ClassPage /> },
  { path: '*', element: <NotFoundPage /> },
];
