import type { TRequestCodeResponse } from '@parta/contracts';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hasFieldError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { currentLanguage } from '../../platform/i18n/i18n';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { requestCode } from './auth-api';

type RequestCodeFormProps = {
  initialDestination: string;
  onSent: (sent: TRequestCodeResponse, typedDestination: string) => void;
};

/** Step 1 of sign-in: an e-mail address or phone number, then «Получить код». */
export function RequestCodeForm({ initialDestination, onSent }: RequestCodeFormProps) {
  const { t, i18n } = useTranslation();
  const [destination, setDestination] = useState(initialDestination);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const inputRef = useRef<HTMLInputElement>(null);
  const request = useMutation({ mutationFn: requestCode });

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = destination.trim();
    if (trimmed.length < 3) {
      setFieldError(trimmed === '' ? t('auth.validation.destinationRequired') : t('auth.validation.destinationInvalid'));
      inputRef.current?.focus();
      return;
    }
    setFieldError(undefined);
    request.mutate(
      { destination: trimmed, locale: currentLanguage(i18n) },
      {
        onSuccess: (sent) => onSent(sent, trimmed),
        onError: (error) => {
          if (hasFieldError(error, 'destination')) {
            setFieldError(t('auth.validation.destinationInvalid'));
            inputRef.current?.focus();
          }
        },
      },
    );
  };

  const formError = request.error && !hasFieldError(request.error, 'destination') ? describeError(request.error, t) : undefined;

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="page-title">
      <h1 id="page-title">{t('auth.signIn.title')}</h1>
      <p>{t('auth.signIn.intro')}</p>
      <TextField
        ref={inputRef}
        label={t('auth.signIn.destinationLabel')}
        hint={t('auth.signIn.destinationHint')}
        name="destination"
        type="text"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={destination}
        onChange={(event) => setDestination(event.target.value)}
        error={fieldError}
      />
      {formError && <Alert>{formError}</Alert>}
      <div className="form__actions">
        <Button type="submit" disabled={request.isPending} aria-describedby={request.isPending ? 'request-code-progress' : undefined}>
          {t('auth.signIn.submit')}
        </Button>
        {request.isPending && (
          <span id="request-code-progress" className="form__status" role="status">
            {t('auth.signIn.submitting')}
          </span>
        )}
      </div>
    </form>
  );
}
