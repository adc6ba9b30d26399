import { roles, type TClass } from '@parta/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../ui/CheckboxField';
import { SelectField } from '../../ui/SelectField';
import { TextField } from '../../ui/TextField';
import { roleLabelKeys } from '../organization/organization-labels';
import type { MemberFilters } from './school-api';

/** How long typing in «Имя» rests before the list is asked again. */
const searchDelayMs = 300;

type PeopleFiltersProps = { filters: MemberFilters; classes: readonly TClass[]; onChange: (filters: MemberFilters) => void };

/** Role, class, part of the name, «ожидают подтверждения». Lists update as the filters change. */
export function PeopleFilters({ filters, classes, onChange }: PeopleFiltersProps) {
  const { t } = useTranslation();
  const [name, setName] = useState(filters.q ?? '');

  useEffect(() => {
    const typed = name.trim();
    if (typed === (filters.q ?? '')) return;
    const timer = setTimeout(() => onChange({ ...filters, q: typed === '' ? undefined : typed }), searchDelayMs);
    return () => clearTimeout(timer);
  }, [name, filters, onChange]);

  return (
    <form className="card filters" role="search" aria-label={t('people.filters.label')} onSubmit={(event) => event.preventDefault()}>
      <SelectField label={t('people.filters.role')} value={filters.role ?? ''} onChange={(event) => onChange({ ...filters, role: roles.find((role) => role === event.target.value) })}>
        <option value="">{t('people.filters.anyRole')}</option>
        {roles.map((role) => (
          <option key={role} value={role}>
            {t(roleLabelKeys[role])}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('people.filters.class')} value={filters.classId ?? ''} onChange={(event) => onChange({ ...filters, classId: event.target.value || undefined })}>
        <option value="">{t('people.filters.anyClass')}</option>
        {classes.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </SelectField>
      <TextField label={t('people.filters.name')} type="search" value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
      <CheckboxField label={t('people.filters.pending')} checked={filters.pendingVerification === true} onChange={(event) => onChange({ ...filters, pendingVerification: event.target.checked || undefined })} />
    </form>
  );
}
