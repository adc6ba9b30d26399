import type { TMember } from '@parta/contracts';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { TranslationKey } from '../../platform/i18n/translation-key';

type Contacts = Pick<TMember, 'email' | 'phone' | 'guardianEmail'>;

const contactFields: readonly { field: keyof Contacts; labelKey: TranslationKey; scheme: 'mailto' | 'tel' }[] = [
  { field: 'email', labelKey: 'school.contacts.email', scheme: 'mailto' },
  { field: 'phone', labelKey: 'school.contacts.phone', scheme: 'tel' },
  { field: 'guardianEmail', labelKey: 'school.contacts.guardianEmail', scheme: 'mailto' },
];

/**
 * E-mail, phone and a young student's parent's e-mail, only as the server gives them: it sends
 * them to administrators and to the person themself, null to everyone else. Nothing when none.
 */
export function MemberContacts({ member }: { member: Contacts }) {
  const { t } = useTranslation();
  const given = contactFields.flatMap(({ field, labelKey, scheme }) => {
    const value = member[field];
    return value === null ? [] : [{ field, label: t(labelKey), value, href: `${scheme}:${value}` }];
  });
  if (given.length === 0) return null;
  return (
    <dl className="details details--compact member-contacts">
      {given.map(({ field, label, value, href }) => (
        <Fragment key={field}>
          <dt>{label}</dt>
          <dd>
            <a href={href}>{value}</a>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
