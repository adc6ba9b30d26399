import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { useUpdateMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { checkDisplayName } from './display-name';

/** Edits the person's display name on the profile page. */
export function DisplayNameForm({ currentName }: { currentName: string }) {
  const { t } = useTranslation();
  const updateMe = useUpdateMe();
  const [name, setName] = useState(currentName);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [isSaved, setSaved] = useState(false);
  // The name may change elsewhere (another tab, via profile.updated): show the new one.
  const [shownName, setShownName] = useState(currentName);
  if (currentName !== shownName) {
    setShownName(currentName);
    setName(currentName);
  }

  const describeNameProblem = (value: string) => {
    const problem = checkDisplayName(value);
    if (problem === 'tooLong') return t('auth.validation.nameTooLong');
    if (problem === 'required') return t('auth.validation.nameRequired');
    return t('errors.validation_failed');
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (checkDisplayName(name)) {
      setFieldError(describeNameProblem(name));
      return;
    }
    setFieldError(undefined);
    updateMe.mutate(
      { displayName: name.trim() },
      {
        onSuccess: () => setSaved(true),
        onError: (error) => {
          if (isApiError(error) && error.fields.displayName) setFieldError(describeNameProblem(name));
        },
      },
    );
  };

  const formError = updateMe.error && !(isApiError(updateMe.error) && updateMe.error.fields.displayName) ? describeError(updateMe.error, t) : undefined;

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <TextField
        label={t('profile.nameLabel')}
        name="displayName"
        autoComplete="name"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          setSaved(false);
        }}
        error={fieldError}
      />
      {formError && <Alert>{formError}</Alert>}
      <div className="form__actions">
        <Button type="submit" disabled={updateMe.isPending}>
          {updateMe.isPending ? t('profile.saving') : t('profile.save')}
        </Button>
        {isSaved && (
          <p className="form__status" role="status">
            {t('profile.saved')}
          </p>
        )}
      </div>
    </form>
  );
}
