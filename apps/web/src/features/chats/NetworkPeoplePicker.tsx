import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../ui/CheckboxField';
import { QueryStatus } from '../../ui/QueryStatus';
import { SelectField } from '../../ui/SelectField';
import { TextField } from '../../ui/TextField';
import { fetchNetworkPeople, networkPeopleQueryKey, networkRoles, type NetworkRole } from './chats-api';

type NetworkPeoplePickerProps = {
  organizationId: string;
  chosen: ReadonlyMap<string, string>;
  onToggle: (person: { id: string; displayName: string }, isChosen: boolean) => void;
  onChooseAll: (people: readonly { id: string; displayName: string }[]) => void;
};

/**
 * An authority's «Новый чат» (a region's or municipality's administrators and directors): staff of
 * the authority and of the organizations under it, by role («Директора школ»), each with the
 * organizations they work in; «Выбрать всех найденных» ticks the whole list.
 */
export function NetworkPeoplePicker({ organizationId, chosen, onToggle, onChooseAll }: NetworkPeoplePickerProps) {
  const { t } = useTranslation();
  const [role, setRole] = useState<NetworkRole | 'all'>('director');
  const [query, setQuery] = useState('');
  const people = useQuery({
    queryKey: networkPeopleQueryKey(organizationId, role),
    queryFn: ({ signal }) => fetchNetworkPeople(organizationId, role === 'all' ? null : role, signal),
  });
  const needle = query.trim().toLocaleLowerCase();
  const shown = (people.data?.people ?? []).filter(
    (entry) => needle === '' || entry.person.displayName.toLocaleLowerCase().includes(needle) || entry.organizations.some((name) => name.toLocaleLowerCase().includes(needle)),
  );

  return (
    <div className="people-picker">
      <p className="muted">{t('chats.network.intro')}</p>
      <SelectField label={t('chats.network.role')} value={role} onChange={(event) => setRole(event.target.value as NetworkRole | 'all')}>
        <option value="all">{t('chats.network.allStaff')}</option>
        {networkRoles.map((value) => (
          <option key={value} value={value}>
            {t(`chats.network.roles.${value}`)}
          </option>
        ))}
      </SelectField>
      <TextField label={t('chats.network.search')} type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoComplete="off" />
      <p className="muted" role="status">
        {t('chats.picker.chosen', { count: chosen.size })}
      </p>
      <QueryStatus query={people} />
      {people.data && shown.length === 0 && <p className="muted">{t('chats.picker.nobody')}</p>}
      {shown.length > 0 && (
        <>
          <button type="button" className="button button--quiet" onClick={() => onChooseAll(shown.map((entry) => entry.person))}>
            {t('chats.network.chooseAll', { count: shown.length })}
          </button>
          <fieldset className="checkbox-list people-picker__list">
            <legend className="visually-hidden">{t('chats.picker.legend')}</legend>
            {shown.map((entry) => (
              <CheckboxField
                key={entry.person.id}
                label={`${entry.person.displayName} — ${entry.roles.map((value) => t(`roles.${value}`)).join(', ')}`}
                hint={entry.organizations.join(', ')}
                checked={chosen.has(entry.person.id)}
                onChange={(event) => onToggle(entry.person, event.target.checked)}
              />
            ))}
          </fieldset>
        </>
      )}
    </div>
  );
}
