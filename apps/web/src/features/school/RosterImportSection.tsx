import type { TRosterImportResult } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { Notice } from '../../ui/Notice';
import { useNotice } from '../../ui/use-notice';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { RosterPreviewTable } from './RosterPreviewTable';
import { RosterSummary } from './RosterSummary';
import { importRoster } from './school-api';
import { invalidateSchoolData } from './use-school-queries';

/** Served by the web app from public/: the columns and a few example lines. */
const sampleFileUrl = '/roster-sample.csv';

/**
 * /organization/import (administrators): load classes and people from a CSV roster.
 * Choose a file → the preview, line by line, errors first → «Загрузить» (only for a file without
 * errors) → what was done. Previewing writes nothing; loading the same file twice changes nothing.
 */
export function RosterImportSection() {
  const { t } = useTranslation();
  const { id: organizationId } = useConsoleOrganization();
  const queryClient = useQueryClient();
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<TRosterImportResult | null>(null);
  const notice = useNotice();
  const check = useMutation({ mutationFn: (chosen: File) => importRoster(organizationId, chosen, 'preview') });
  const apply = useMutation({
    mutationFn: (chosen: File) => importRoster(organizationId, chosen, 'apply'),
    onSuccess: (result) => {
      if (result.applied) void invalidateSchoolData(queryClient, organizationId);
    },
  });

  const choose = (chosen: File | undefined) => {
    notice.clear();
    apply.reset();
    setPreview(null);
    setFile(chosen ?? null);
    if (chosen) check.mutate(chosen, { onSuccess: setPreview });
  };

  const load = () => {
    if (!file) return;
    apply.mutate(file, {
      onSuccess: (result) => {
        if (!result.applied) {
          setPreview(result);
          return;
        }
        setPreview(null);
        setFile(null);
        if (fileRef.current) fileRef.current.value = '';
        notice.show(t('rosterImport.applied', { create: result.summary.create, update: result.summary.update, unchanged: result.summary.unchanged }));
      },
    });
  };

  const hasErrors = preview !== null && preview.summary.errors > 0;
  const failure = check.error ?? apply.error;
  const blockedId = `${id}-blocked`;

  return (
    <>
      <SectionTitle title={t('console.sections.import')} />
      <Notice notice={notice} />
      <div className="card form">
        <p>{t('rosterImport.intro')}</p>
        <p>
          <a href={sampleFileUrl} download>
            {t('rosterImport.sample')}
          </a>
        </p>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-file`}>
            {t('rosterImport.fileLabel')}
          </label>
          <p className="field__hint" id={`${id}-hint`}>
            {t('rosterImport.fileHint')}
          </p>
          <input
            ref={fileRef}
            id={`${id}-file`}
            type="file"
            className="field__file"
            accept=".csv,text/csv"
            aria-describedby={`${id}-hint`}
            onChange={(event) => choose(event.target.files?.[0])}
          />
        </div>
        {check.isPending && (
          <p className="form__status" role="status">
            {t('rosterImport.checking')}
          </p>
        )}
        {failure && <Alert>{describeErrorWithDetail(failure, t)}</Alert>}
      </div>
      {preview && (
        <section className="card" aria-labelledby={`${id}-preview`}>
          <h2 id={`${id}-preview`}>{t('rosterImport.previewTitle', { name: file?.name ?? '' })}</h2>
          <RosterSummary summary={preview.summary} />
          {hasErrors && (
            <p id={blockedId} className="alert alert--error">
              {t('rosterImport.blocked', { count: preview.summary.errors })}
            </p>
          )}
          <div className="form__actions roster-actions">
            <Button onClick={load} disabled={hasErrors || apply.isPending} aria-describedby={hasErrors ? blockedId : undefined}>
              {t('rosterImport.apply')}
            </Button>
            {apply.isPending && (
              <span className="form__status" role="status">
                {t('rosterImport.applying')}
              </span>
            )}
          </div>
          <RosterPreviewTable rows={preview.rows} />
        </section>
      )}
    </>
  );
}
