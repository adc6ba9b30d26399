import { useEffect, useRef } from 'react';
import { usePageTitle } from '../../platform/i18n/use-page-title';

/**
 * The h1 of a page or console section, which also names the browser tab. With `focusOnMount` it
 * takes focus when it appears (a result replacing a form: «Заявка отправлена»), so screen readers
 * start reading there.
 */
export function SectionTitle({ title, focusOnMount = false }: { title: string; focusOnMount?: boolean }) {
  usePageTitle(title);
  const ref = useRef<HTMLHeadingElement>(null);
  const shouldFocus = useRef(focusOnMount);
  useEffect(() => {
    if (shouldFocus.current) ref.current?.focus();
  }, []);
  return (
    <h1 id="page-title" ref={ref} tabIndex={-1}>
      {title}
    </h1>
  );
}
