import type { ReactNode } from 'react';

/** A centred message for whole-page states (loading, failed to load). */
export function FullPageStatus({ children }: { children: ReactNode }) {
  return (
    <div className="full-page-status" role="status">
      {children}
    </div>
  );
}
