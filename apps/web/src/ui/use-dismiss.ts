import { useEffect, type RefObject } from 'react';

/**
 * Closes a popup (menu, collapsible navigation) on Escape or on a pointer press outside it.
 * `onDismiss` receives how it was dismissed so the caller can return focus after Escape.
 */
export function useDismiss(containerRef: RefObject<HTMLElement | null>, isOpen: boolean, onDismiss: (how: 'escape' | 'outside') => void): void {
  useEffect(() => {
    if (!isOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onDismiss('escape');
      }
    };
    const onPointerDown = (event: PointerEvent) => {
      if (containerRef.current && event.target instanceof Node && !containerRef.current.contains(event.target)) onDismiss('outside');
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('pointerdown', onPointerDown);
    };
  }, [containerRef, isOpen, onDismiss]);
}
