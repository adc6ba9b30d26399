import { useEffect } from 'react';

/** Sets document.title while the component is shown, so every route announces where you are. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
