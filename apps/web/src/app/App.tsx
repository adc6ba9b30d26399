import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { I18nextProvider } from 'react-i18next';
// The DOM RouterProvider lets navigations use react-dom's flushSync when asked to.
import { RouterProvider } from 'react-router/dom';
import type { AppContext } from './app-context';
import { createAppRouter } from './router';

/** Providers around the router; everything they hold is built in createAppContext(). */
export function App({ context }: { context: AppContext }) {
  const [router] = useState(() => createAppRouter(context.registry));
  return (
    <I18nextProvider i18n={context.i18n}>
      <QueryClientProvider client={context.queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nextProvider>
  );
}
