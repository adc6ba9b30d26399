import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { hasFieldError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { safeNextPath } from '../../platform/session/next-path';
import { useMe, useUpdateMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { checkDisplayName } from '../profile/display-name';

/** /welcome: «Как вас зовут?» — asked once, for a new account or an account without a name. */
export function WelcomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const updateMe = useUpdateMe();
  const [name, setName] = useState(me.displayName);
  const [fieldError, setFieldError] = useState<string | undefined>();
  usePageTitle(t('auth.name.title'));

  const nameProblemText = (value: string) => (checkDisplayName(value) === 'tooLong' ? t('auth.validation.nameTooLong') : t('auth.validation.nameRequired'));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (checkDisplayName(name)) {
      setFieldError(nameProblemText(name));
      return;
    }
    setFieldError(undefined);
    updateMe.mutate(
      { displayName: name.trim() },
      {
        onSuccess: () => void navigate(next, { replace: true }),
        onError: (error) => {
          if (hasFieldError(error, 'displayName')) setFieldError(nameProblemText(name));
        },
      },
    );
  };

  const formError = updateMe.error && !hasFieldError(updateMe.error, 'displayName') ? describeError(updateMe.error, t) : undefined;

  return (
    <div className="card auth-card">
      <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="page-title">
        <h1 id="page-title">{t('auth.name.title')}</h1>
        <p>{t('auth.name.intro')}</p>
        <TextField
          label={t('auth.name.label')}
          hint={t('auth.name.hint')}
          name="displayName"
          autoComplete="name"
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={fieldError}
        />
        {formError && <Alert>{formError}</Alert>}
        <div className="form__actions">
          <Button type="submit" disabled={updateMe.isPending}>
            {t('auth.name.submit')}
          </Button>
          {updateMe.isPending && (
            <span className="form__status" role="status">
              {t('auth.name.submitting')}
            </span>
          )}
        </div>
      </form>
    </div>
  );
}
