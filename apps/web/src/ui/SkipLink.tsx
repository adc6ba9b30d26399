import type { MouseEvent } from 'react';

/**
 * The first thing a keyboard user reaches. Moves focus to the main region without changing the
 * URL hash (which the router would treat as a navigation).
 */
export function SkipLink({ targetId, children }: { targetId: string; children: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    const target = document.getElementById(targetId);
    if (!target) return;
    event.preventDefault();
    target.focus(); // focusing also scrolls the target into view
  };
  return (
    <a className="skip-link" href={`#${targetId}`} onClick={onClick}>
      {children}
    </a>
  );
}
