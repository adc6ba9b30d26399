import type { TRequestCodeResponse } from '@parta/contracts';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hasFieldError, isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { currentLanguage } from '../../platform/i18n/i18n';
import { formatDuration, formatTimeOfDay } from '../../platform/i18n/format';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { useCountdown } from '../../ui/use-countdown';
import { requestCode, verifyCode, type TAccountChoice, type TSignedIn } from './auth-api';
import { DevOutboxHint } from './DevOutboxHint';

/** When a 429 comes without a retry time, wait this long before offering to resend. */
const fallbackRetryAfterSeconds = 60;

export type SentCode = TRequestCodeResponse & { expiresAt: number };

type VerifyCodeFormProps = {
  sent: SentCode;
  onResent: (sent: SentCode) => void;
  onChangeDestination: () => void;
  onVerified: (result: TSignedIn) => void;
  /** The code is right and opens several accounts: «Кто входит?» comes next, with the same code. */
  onChooseAccount: (accounts: TAccountChoice[], code: string) => void;
};

/** Step 2 of sign-in: the six-digit code, «Войти», resend with a countdown after a rate limit. */
export function VerifyCodeForm({ sent, onResent, onChangeDestination, onVerified, onChooseAccount }: VerifyCodeFormProps) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [resendBlockedUntil, setResendBlockedUntil] = useState<number | null>(null);
  const secondsUntilResend = useCountdown(resendBlockedUntil);
  const codeRef = useRef<HTMLInputElement>(null);
  const resendRef = useRef<HTMLButtonElement>(null);
  const verify = useMutation({ mutationFn: verifyCode });
  const resend = useMutation({ mutationFn: requestCode });

  useEffect(() => {
    codeRef.current?.focus();
  }, []);

  const clearMessages = () => {
    setCodeError(undefined);
    setFormError(undefined);
    setNotice(undefined);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    clearMessages();
    if (!/^\d{6}$/.test(code)) {
      setCodeError(t('auth.validation.codeFormat'));
      codeRef.current?.focus();
      return;
    }
    verify.mutate(
      { destination: sent.destination, code },
      {
        onSuccess: (result) => (result.status === 'signed_in' ? onVerified(result) : onChooseAccount(result.accounts, code)),
        onError: (error) => {
          if (isApiError(error) && error.code === 'code_invalid') {
            setCodeError(t('errors.code_invalid'));
            codeRef.current?.select();
          } else if (hasFieldError(error, 'code')) {
            setCodeError(t('auth.validation.codeFormat'));
            codeRef.current?.focus();
          } else {
            setFormError(describeError(error, t));
            // An expired code can only be fixed by a new one: put the person on that button.
            if (isApiError(error) && error.code === 'code_expired') resendRef.current?.focus();
          }
        },
      },
    );
  };

  const onResend = () => {
    clearMessages();
    resend.mutate(
      { destination: sent.destination, locale: currentLanguage(i18n) },
      {
        onSuccess: (response) => {
          setCode('');
          setNotice(t('auth.code.resent'));
          onResent({ ...response, expiresAt: Date.now() + response.expiresInSeconds * 1000 });
          codeRef.current?.focus();
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'rate_limited') {
            setResendBlockedUntil(Date.now() + (error.retryAfterSeconds ?? fallbackRetryAfterSeconds) * 1000);
          }
          setFormError(describeError(error, t));
        },
      },
    );
  };

  const isResendBlocked = secondsUntilResend > 0;
  const sentToId = 'code-sent-to';

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="page-title">
      <h1 id="page-title">{t('auth.signIn.title')}</h1>
      <div id={sentToId}>
        <p>
          {t('auth.code.sentTo', { destination: sent.destination })} {t('auth.code.validUntil', { time: formatTimeOfDay(new Date(sent.expiresAt), i18n.language) })}
        </p>
      </div>
      <TextField
        ref={codeRef}
        label={t('auth.code.label')}
        hint={t('auth.code.hint')}
        aria-describedby={sentToId}
        name="code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        className="field--code"
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
        error={codeError}
      />
      {formError && <Alert>{formError}</Alert>}
      {notice && <Alert tone="success">{notice}</Alert>}
      <div className="form__actions">
        <Button type="submit" disabled={verify.isPending}>
          {t('auth.code.submit')}
        </Button>
        {verify.isPending && (
          <span className="form__status" role="status">
            {t('auth.code.submitting')}
          </span>
        )}
      </div>
      <div className="form__secondary">
        <Button ref={resendRef} variant="secondary" onClick={onResend} disabled={isResendBlocked || resend.isPending}>
          {isResendBlocked ? t('auth.code.resendIn', { time: formatDuration(secondsUntilResend) }) : t('auth.code.resend')}
        </Button>
        <Button variant="quiet" onClick={onChangeDestination}>
          {t('auth.code.changeDestination')}
        </Button>
      </div>
      <DevOutboxHint />
    </form>
  );
}
