import type { TPersonRef } from '@parta/contracts';
import { VerifiedBadge } from './VerifiedBadge';

/** A person's name, with the verified-teacher badge wherever it applies. */
export function PersonName({ person }: { person: Pick<TPersonRef, 'displayName' | 'verifiedTeacher'> }) {
  return (
    <span className="person-name">
      <span>{person.displayName}</span>
      {person.verifiedTeacher && (
        <>
          {' '}
          <VerifiedBadge />
        </>
      )}
    </span>
  );
}
