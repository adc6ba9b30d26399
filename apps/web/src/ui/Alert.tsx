import type { ReactNode, Ref } from 'react';

type AlertProps = { tone?: 'error' | 'success' | 'info'; children: ReactNode; id?: string; ref?: Ref<HTMLDivElement> };

/**
 * A message block. Errors use role="alert" (announced at once); other tones role="status"
 * (announced politely). Focusable by script so a form can move focus to its error.
 */
export function Alert({ tone = 'error', children, id, ref }: AlertProps) {
  return (
    <div ref={ref} id={id} className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'} tabIndex={-1}>
      {children}
    </div>
  );
}
