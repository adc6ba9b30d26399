import { organizationKinds } from '@parta/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SelectField } from '../../ui/SelectField';
import { TextField } from '../../ui/TextField';
import { organizationKindLabelKeys } from '../organization/organization-labels';
import { useOrderUpload } from './order-upload';
import { OrderUploadField } from './OrderUploadField';
import { submitApplication } from './registration-api';
import {
  buildApplication,
  emptyRegistrationValues,
  fieldForServerPath,
  findInvalidFields,
  firstInPageOrder,
  validationMessageKeys,
  type FieldErrors,
  type RegistrationField,
  type TypedField,
} from './registration-form';

/**
 * «Заявка на регистрацию»: the organization, its administrator and the scan of the order
 * appointing them. Checked here with the contract's schemas first; the server's per-field
 * messages are shown at their fields; either way the first invalid field gets focus.
 */
export function RegistrationForm({ onSent }: { onSent: (administratorEmail: string) => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState(emptyRegistrationValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const { upload, start: startUpload, cancel: cancelUpload } = useOrderUpload();
  const fieldElements = useRef<Partial<Record<RegistrationField, HTMLElement | null>>>({});
  const fileInputRef = useRef<HTMLInputElement>(null);
  const submit = useMutation({ mutationFn: submitApplication });

  const focusField = (field: RegistrationField | undefined) => {
    if (!field) return;
    const element = field === 'orderUploadToken' ? fileInputRef.current : fieldElements.current[field];
    element?.focus();
  };

  const clearError = (field: RegistrationField) => {
    if (errors[field] === undefined) return;
    setErrors(({ [field]: _removed, ...rest }) => rest);
  };

  const bind = (field: TypedField) => ({
    name: field,
    value: values[field],
    error: errors[field],
    ref: (element: HTMLElement | null) => {
      fieldElements.current[field] = element;
    },
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
      const { value } = event.target;
      setValues((previous) => ({ ...previous, [field]: value }));
      clearError(field);
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found: FieldErrors = {};
    for (const field of findInvalidFields(values)) found[field] = t(validationMessageKeys[field]);
    if (upload.state === 'uploading') found.orderUploadToken = t('register.order.stillUploading');
    // A failed upload already says why at the field; it only needs focus.
    if (upload.state === 'empty') found.orderUploadToken = t('register.order.required');
    const firstInvalid = firstInPageOrder(found) ?? (upload.state === 'uploaded' ? undefined : 'orderUploadToken');
    if (firstInvalid || upload.state !== 'uploaded') {
      setErrors(found);
      setFormError(t('register.fixErrors'));
      focusField(firstInvalid);
      return;
    }
    setErrors({});
    const application = buildApplication(values, upload.uploaded.uploadToken);
    submit.mutate(application, {
      onSuccess: () => onSent(application.administrator.email),
      onError: (error) => {
        const fromServer: FieldErrors = {};
        let hasUnplacedMessage = false;
        if (isApiError(error)) {
          for (const [path, message] of Object.entries(error.fields)) {
            const field = fieldForServerPath(path);
            if (field) fromServer[field] ??= message;
            else hasUnplacedMessage = true;
          }
        }
        const first = firstInPageOrder(fromServer);
        setErrors(fromServer);
        setFormError(first && !hasUnplacedMessage ? t('register.fixErrors') : describeError(error, t));
        focusField(first);
      },
    });
  };

  return (
    <form className="form registration-form" onSubmit={onSubmit} noValidate aria-labelledby="page-title">
      <p className="muted">{t('register.requiredNote')}</p>
      <fieldset className="form-section">
        <legend className="form-section__legend">{t('register.organization.legend')}</legend>
        <SelectField label={t('register.organization.kind')} {...bind('organization.kind')}>
          <option value="">{t('register.organization.kindPlaceholder')}</option>
          {organizationKinds.map((kind) => (
            <option key={kind} value={kind}>
              {t(organizationKindLabelKeys[kind])}
            </option>
          ))}
        </SelectField>
        <TextField label={t('register.organization.name')} hint={t('register.organization.nameHint')} autoComplete="organization" {...bind('organization.name')} />
        <TextField label={t('register.organization.shortName')} hint={t('register.organization.shortNameHint')} autoComplete="off" {...bind('organization.shortName')} />
        <TextField label={t('register.organization.inn')} hint={t('register.organization.innHint')} inputMode="numeric" autoComplete="off" spellCheck={false} {...bind('organization.inn')} />
        <TextField label={t('register.organization.address')} hint={t('register.organization.addressHint')} autoComplete="street-address" {...bind('organization.address')} />
        <TextField label={t('register.organization.parentName')} hint={t('register.organization.parentNameHint')} autoComplete="off" {...bind('organization.parentName')} />
      </fieldset>
      <fieldset className="form-section">
        <legend className="form-section__legend">{t('register.administrator.legend')}</legend>
        <p>{t('register.administrator.intro')}</p>
        <TextField label={t('register.administrator.fullName')} hint={t('register.administrator.fullNameHint')} autoComplete="name" {...bind('administrator.fullName')} />
        <TextField label={t('register.administrator.phone')} hint={t('register.administrator.phoneHint')} type="tel" inputMode="tel" autoComplete="tel" {...bind('administrator.phone')} />
        <TextField
          label={t('register.administrator.email')}
          hint={t('register.administrator.emailHint')}
          type="email"
          autoComplete="email"
          autoCapitalize="none"
          spellCheck={false}
          {...bind('administrator.email')}
        />
      </fieldset>
      <OrderUploadField
        upload={upload}
        error={errors.orderUploadToken}
        inputRef={fileInputRef}
        onChoose={(file) => {
          clearError('orderUploadToken');
          startUpload(file);
        }}
        onCancel={cancelUpload}
      />
      {formError && <Alert>{formError}</Alert>}
      <div className="form__actions">
        <Button type="submit" disabled={submit.isPending}>
          {t('register.submit')}
        </Button>
        {submit.isPending && (
          <span className="form__status" role="status">
            {t('register.submitting')}
          </span>
        )}
      </div>
    </form>
  );
}
