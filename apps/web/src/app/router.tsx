import type { EventRegistry } from '../platform/realtime/event-registry';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { SignInPage } from '../features/auth/SignInPage';
import { WelcomePage } from '../features/auth/WelcomePage';
import { ChatInvitePage } from '../features/chats/ChatInvitePage';
import { HomePage } from '../features/home/HomePage';
import { JoinPage } from '../features/invitations/JoinPage';
import { CurrentOrganizationProvider } from '../features/organization/current-organization';
import { RegisterPage } from '../features/registration/RegisterPage';
import { AuthLayout } from './AuthLayout';
import { CrashScreen } from './CrashScreen';
import { areas } from './navigation';
import { NotFoundPage } from './NotFoundPage';
import { RequireSession } from './RequireSession';
import { SignedInRealtime } from './SignedInRealtime';
import { CallProvider } from '../features/calls/CallProvider';
import { LessonPage } from '../features/calls/LessonPage';
import { BroadcastPage } from '../features/broadcasts/BroadcastPage';
import { WatchPage } from '../features/broadcasts/WatchPage';
import { AppShell } from './shell/AppShell';

export function createRoutes(registry: EventRegistry): RouteObject[] {
  return [
    {
      errorElement: <CrashScreen />,
      children: [
        {
          element: <AuthLayout />,
          children: [
            { path: 'sign-in', element: <SignInPage /> },
            // Public: anyone may apply to register an organization, signed in or not.
            { path: 'register', element: <RegisterPage /> },
            // Public: an invitation link shows where it leads to anyone; joining asks to sign in.
            { path: 'join/:token', element: <JoinPage /> },
            {
              path: 'welcome',
              element: (
                <RequireSession allowUnnamed>
                  <WelcomePage />
                </RequireSession>
              ),
            },
          ],
        },
        // Public: a broadcast's watch link, signed in or not; outside the shell and its providers
        // (no realtime connection, no calls, no organization), which all need a signed-in person.
        { path: 'watch/:token', element: <WatchPage /> },
        {
          element: (
            <RequireSession>
              <SignedInRealtime registry={registry}>
                <CallProvider>
                  <CurrentOrganizationProvider>
                    <AppShell />
                  </CurrentOrganizationProvider>
                </CallProvider>
              </SignedInRealtime>
            </RequireSession>
          ),
          children: [
            { index: true, element: <HomePage /> },
            ...areas.map(({ path, Page, children }): RouteObject => ({ path: path.slice(1), element: <Page />, ...(children ? { children } : {}) })),
            // A chat's invitation link: signed in only (the guard sends others to sign in and back).
            { path: 'chat-invite/:token', element: <ChatInvitePage /> },
            // A video lesson's link (posted in its class chat).
            { path: 'lessons/:lessonId', element: <LessonPage /> },
            // A broadcast's own page (its organizers and speakers manage and go on air there).
            { path: 'broadcasts/:broadcastId', element: <BroadcastPage /> },
            // Inside the guard on purpose: unknown addresses are not revealed to signed-out visitors.
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ];
}

export function createAppRouter(registry: EventRegistry) {
  return createBrowserRouter(createRoutes(registry));
}
