import type { TRosterRow } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import type { TranslationKey } from '../../platform/i18n/translation-key';
import { classPlaceLabelKeys } from './school-labels';

const actionLabelKeys: Record<TRosterRow['action'], TranslationKey> = {
  create: 'rosterImport.actions.create',
  update: 'rosterImport.actions.update',
  unchanged: 'rosterImport.actions.unchanged',
  error: 'rosterImport.actions.error',
};

/** Rows with errors first (then by line), so what needs fixing is at the top. */
export function sortRowsErrorsFirst(rows: readonly TRosterRow[]): TRosterRow[] {
  const hasErrors = (row: TRosterRow) => row.action === 'error' || row.errors.length > 0;
  return [...rows].sort((a, b) => Number(hasErrors(b)) - Number(hasErrors(a)) || a.line - b.line);
}

/**
 * The file line by line: what applying would do with each, and why a line cannot be loaded.
 * The table scrolls sideways on a phone; the region is focusable so the keyboard can scroll it.
 */
export function RosterPreviewTable({ rows }: { rows: readonly TRosterRow[] }) {
  const { t } = useTranslation();
  return (
    <>
      <h3 id="roster-rows-caption" className="data-table__title">
        {t('rosterImport.table.caption')}
      </h3>
      <div className="table-scroll" role="region" aria-labelledby="roster-rows-caption" tabIndex={0}>
        <table className="data-table" aria-labelledby="roster-rows-caption">
          <thead>
            <tr>
              <th scope="col">{t('rosterImport.table.line')}</th>
              <th scope="col">{t('rosterImport.table.name')}</th>
              <th scope="col">{t('rosterImport.table.action')}</th>
              <th scope="col">{t('rosterImport.table.errors')}</th>
              <th scope="col">{t('rosterImport.table.class')}</th>
              <th scope="col">{t('rosterImport.table.role')}</th>
            </tr>
          </thead>
          <tbody>
            {sortRowsErrorsFirst(rows).map((row) => {
              const isError = row.action === 'error' || row.errors.length > 0;
              return (
                <tr key={row.line} className={isError ? 'data-table__row--error' : undefined}>
                  <th scope="row">{row.line}</th>
                  <td>{row.displayName}</td>
                  <td>{t(actionLabelKeys[row.action])}</td>
                  <td>
                    {row.errors.length > 0 && (
                      <ul className="data-table__errors">
                        {row.errors.map((error) => (
                          <li key={error}>{error}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{row.className}</td>
                  <td>{row.role ? t(classPlaceLabelKeys[row.role]) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
