import type { TMember } from '@parta/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../ui/CheckboxField';
import { QueryStatus } from '../../ui/QueryStatus';
import { TextField } from '../../ui/TextField';
import { useMembers } from '../school/use-school-queries';
import { useSettled } from '../../ui/use-settled';

type PeoplePickerProps = {
  organizationId: string;
  /** People who cannot be chosen (the person themself, those already in the chat). */
  excludeIds: ReadonlySet<string>;
  chosen: ReadonlyMap<string, string>;
  /** Chosen or unchosen: the id and name. */
  onToggle: (person: Pick<TMember, 'id' | 'displayName'>, isChosen: boolean) => void;
};

/** People of the organization to tick (the school's people list, searched by name). */
export function PeoplePicker({ organizationId, excludeIds, chosen, onToggle }: PeoplePickerProps) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const search = useSettled(query.trim(), 250);
  const members = useMembers(organizationId, { q: search || undefined });
  const candidates = members.data?.members.filter((member) => !excludeIds.has(member.id)) ?? [];

  return (
    <div className="people-picker">
      <TextField label={t('chats.picker.search')} type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoComplete="off" />
      <p className="muted" role="status">
        {t('chats.picker.chosen', { count: chosen.size })}
        {chosen.size > 0 && `: ${[...chosen.values()].join(', ')}`}
      </p>
      <QueryStatus query={members} />
      {members.data && candidates.length === 0 && <p className="muted">{t('chats.picker.nobody')}</p>}
      {candidates.length > 0 && (
        <fieldset className="checkbox-list people-picker__list">
          <legend className="visually-hidden">{t('chats.picker.legend')}</legend>
          {candidates.map((member) => (
            <CheckboxField
              key={member.id}
              label={member.verifiedTeacher ? `${member.displayName} (${t('school.verifiedTeacher')})` : member.displayName}
              checked={chosen.has(member.id)}
              onChange={(event) => onToggle(member, event.target.checked)}
            />
          ))}
        </fieldset>
      )}
    </div>
  );
}

/** The chosen people of a picker, as a map id → name. */
export function useChosenPeople() {
  const [chosen, setChosen] = useState<ReadonlyMap<string, string>>(() => new Map());
  const toggle = (person: Pick<TMember, 'id' | 'displayName'>, isChosen: boolean) =>
    setChosen((current) => {
      const next = new Map(current);
      if (isChosen) next.set(person.id, person.displayName);
      else next.delete(person.id);
      return next;
    });
  /** Ticks everyone given (those already ticked stay). */
  const chooseAll = (people: readonly Pick<TMember, 'id' | 'displayName'>[]) =>
    setChosen((current) => {
      const next = new Map(current);
      for (const person of people) next.set(person.id, person.displayName);
      return next;
    });
  return { chosen, toggle, chooseAll };
}
