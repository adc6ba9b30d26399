import { useEffect, useId, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../platform/i18n/describe-error';
import { formatFileSize } from '../../platform/i18n/format';
import { Button } from '../../ui/Button';
import { maxOrderBytes, orderFileAccept, type OrderUpload } from './order-upload';

type OrderUploadFieldProps = {
  upload: OrderUpload;
  /** A problem found on submit («приложите скан») or by the server; wins over the upload's own. */
  error?: string | undefined;
  inputRef: RefObject<HTMLInputElement | null>;
  onChoose: (file: File) => void;
  onCancel: () => void;
};

/**
 * «Скан приказа»: a native file input (keyboard and screen-reader friendly everywhere), the
 * upload's progress, and what happened, in a live region: uploading, uploaded (name and size),
 * or why the file cannot be used.
 */
export function OrderUploadField({ upload, error, inputRef, onChoose, onCancel }: OrderUploadFieldProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const hintId = `${id}-hint`;
  const statusId = `${id}-status`;
  const errorId = `${id}-error`;
  const size = (bytes: number) => formatFileSize(bytes, i18n.language);

  // After a refusal or a cancel, empty the input so that choosing the same file again uploads it.
  useEffect(() => {
    if ((upload.state === 'failed' || upload.state === 'empty') && inputRef.current) inputRef.current.value = '';
  }, [upload.state, inputRef]);

  let problem: string | undefined;
  if (upload.state === 'failed') {
    const { kind } = upload.problem;
    if (kind === 'wrongType') problem = t('register.order.wrongType', { name: upload.name });
    else if (kind === 'tooLarge') problem = t('register.order.tooLarge', { name: upload.name, size: size(upload.size), max: size(maxOrderBytes) });
    else problem = `${t('register.order.failed', { name: upload.name })} ${describeError(upload.problem.error, t)}`;
  }
  const shownError = error ?? problem;

  let status = '';
  if (upload.state === 'uploading') status = t('register.order.uploading', { name: upload.name });
  else if (upload.state === 'uploaded') status = t('register.order.uploaded', { name: upload.name, size: size(upload.size) });
  else if (upload.state === 'empty' && upload.wasCanceled) status = t('register.order.canceled');

  const percent = upload.state === 'uploading' && upload.total > 0 ? Math.min(100, Math.round((upload.loaded / upload.total) * 100)) : 0;

  return (
    <fieldset className="form-section">
      <legend className="form-section__legend">{t('register.order.legend')}</legend>
      <div className={shownError ? 'field field--invalid' : 'field'}>
        <label className="field__label" htmlFor={id}>
          {t('register.order.label')}
        </label>
        <p className="field__hint" id={hintId}>
          {t('register.order.hint', { max: size(maxOrderBytes) })}
        </p>
        <input
          ref={inputRef}
          id={id}
          type="file"
          className="field__file"
          accept={orderFileAccept}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={[hintId, statusId, shownError ? errorId : undefined].filter(Boolean).join(' ')}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onChoose(file);
          }}
        />
        {upload.state === 'uploading' && (
          <div className="upload-progress">
            <progress className="upload-progress__bar" max={100} value={percent} aria-label={t('register.order.progressLabel')} />
            <span className="upload-progress__percent" aria-hidden="true">
              {t('register.order.percent', { percent })}
            </span>
            <Button variant="quiet" onClick={onCancel}>
              {t('register.order.cancel')}
            </Button>
          </div>
        )}
        {/* Always present, so screen readers announce each change of the upload's state. */}
        <p className={upload.state === 'uploaded' ? 'field__status field__status--done' : 'field__status'} id={statusId} role="status">
          {status}
        </p>
        {shownError && (
          <p className="field__error" id={errorId} role="alert">
            {shownError}
          </p>
        )}
      </div>
    </fieldset>
  );
}
