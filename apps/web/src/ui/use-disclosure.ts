import { useCallback, useId, useRef, useState } from 'react';
import { useDismiss } from './use-dismiss';

/**
 * A button that shows and hides a panel (the header's menus). Escape and a click outside close
 * it; Escape returns focus to the button. Spread `toggleProps` on the button, give the panel
 * `id={panelId}` and put both inside the element that gets `containerRef`.
 */
export function useDisclosure() {
  const [isOpen, setOpen] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const close = useCallback((how: 'escape' | 'outside' | 'chosen') => {
    setOpen(false);
    if (how !== 'outside') toggleRef.current?.focus();
  }, []);
  useDismiss(containerRef, isOpen, close);
  const toggleProps = { ref: toggleRef, type: 'button' as const, 'aria-expanded': isOpen, 'aria-controls': panelId, onClick: () => setOpen((open) => !open) };
  return { isOpen, close, containerRef, panelId, toggleProps };
}
