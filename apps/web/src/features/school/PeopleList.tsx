import type { TPersonRef } from '@parta/contracts';
import { Fragment } from 'react';
import { PersonName } from './PersonName';

/** «Анна Петрова ✓ учитель подтверждён, Иван Сидоров»: several people in a line. */
export function PeopleList({ people }: { people: readonly TPersonRef[] }) {
  return (
    <>
      {people.map((person, index) => (
        <Fragment key={person.id}>
          {index > 0 && ', '}
          <PersonName person={person} />
        </Fragment>
      ))}
    </>
  );
}
