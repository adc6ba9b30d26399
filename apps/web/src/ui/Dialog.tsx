import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

type DialogProps = {
  title: string;
  /** Called on Escape; the caller decides whether and how to close (render nothing). */
  onClose: () => void;
  children: ReactNode;
  /** Receives focus when the dialog opens (the first field, say); the dialog itself otherwise. */
  initialFocusRef?: RefObject<HTMLElement | null>;
  /**
   * Gets focus back when the dialog closes: the button that opened it. Without it, whatever had
   * focus at opening (Safari does not focus a button on click, so name the button when you can).
   */
  returnFocusRef?: RefObject<HTMLElement | null>;
};

const focusableSelector = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog, shown while it is rendered. Everything else on the page is made inert (out of
 * reach of the keyboard and screen readers), Tab cycles inside, Escape asks to close, and focus
 * goes back to whatever opened it. Not the native <dialog>: its showModal() is missing in the
 * test DOM, and this small piece behaves the same everywhere.
 */
export function Dialog({ title, onClose, children, initialFocusRef, returnFocusRef }: DialogProps) {
  const titleId = useId();
  const backdropRef = useRef<HTMLDivElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const initialFocus = useRef(initialFocusRef);
  const returnFocus = useRef(returnFocusRef);

  useEffect(() => {
    const focusedAtOpening = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const madeInert: Element[] = [];
    for (const element of Array.from(document.body.children)) {
      if (element === backdropRef.current || element.hasAttribute('inert')) continue;
      element.setAttribute('inert', '');
      madeInert.push(element);
    }
    (initialFocus.current?.current ?? dialogRef.current)?.focus();
    return () => {
      for (const element of madeInert) element.removeAttribute('inert');
      const opener = returnFocus.current?.current ?? focusedAtOpening;
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    const focusables = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(focusableSelector));
    const first = focusables[0];
    const last = focusables.at(-1);
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === dialogRef.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div ref={backdropRef} className="dialog-backdrop">
      <div ref={dialogRef} className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
