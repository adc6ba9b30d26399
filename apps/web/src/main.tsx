import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createAppContext } from './app/app-context';
import { reflectLanguageInDocument } from './platform/i18n/i18n';
import './app/styles.css';

const context = createAppContext();
reflectLanguageInDocument(context.i18n, document.documentElement, safeLocalStorage());

const container = document.getElementById('root');
if (!container) throw new Error('index.html must contain <div id="root">');
createRoot(container).render(
  <StrictMode>
    <App context={context} />
  </StrictMode>,
);

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
