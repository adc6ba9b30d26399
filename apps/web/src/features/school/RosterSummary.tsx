import type { TRosterImportResult } from '@parta/contracts';
import { useTranslation } from 'react-i18next';

/** How many people would be (or were) created, updated, left as they are; errors; new classes. */
export function RosterSummary({ summary }: { summary: TRosterImportResult['summary'] }) {
  const { t } = useTranslation();
  return (
    <dl className="details details--compact roster-summary">
      <dt>{t('rosterImport.summary.create')}</dt>
      <dd>{summary.create}</dd>
      <dt>{t('rosterImport.summary.update')}</dt>
      <dd>{summary.update}</dd>
      <dt>{t('rosterImport.summary.unchanged')}</dt>
      <dd>{summary.unchanged}</dd>
      <dt>{t('rosterImport.summary.errors')}</dt>
      <dd className={summary.errors > 0 ? 'roster-summary__errors' : undefined}>{summary.errors}</dd>
      {summary.classesToCreate.length > 0 && (
        <>
          <dt>{t('rosterImport.summary.newClasses')}</dt>
          <dd>{summary.classesToCreate.join(', ')}</dd>
        </>
      )}
    </dl>
  );
}
