import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { verifyCode, type TAccountChoice, type TSignedIn } from './auth-api';

type AccountChooserProps = {
  destination: string;
  /** The code just accepted; it stays valid for this second request until it expires. */
  code: string;
  accounts: readonly TAccountChoice[];
  onVerified: (result: TSignedIn) => void;
  onBack: () => void;
};

/**
 * «Кто входит?»: a parent's e-mail also signs in their young children, so one code may open
 * several accounts. Each is a button; choosing one repeats the check with its id.
 */
export function AccountChooser({ destination, code, accounts, onVerified, onBack }: AccountChooserProps) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const verify = useMutation({ mutationFn: verifyCode });

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const choose = (accountId: string) => {
    verify.mutate(
      { destination, code, accountId },
      {
        // With an account id the answer is `signed_in` (or an error), never another choice.
        onSuccess: (result) => {
          if (result.status === 'signed_in') onVerified(result);
        },
        onError: () => errorRef.current?.focus(),
      },
    );
  };

  return (
    <div className="form">
      <h1 id="page-title" ref={headingRef} tabIndex={-1}>
        {t('auth.account.title')}
      </h1>
      <p>{t('auth.account.intro', { destination })}</p>
      <ul className="account-choices" aria-label={t('auth.account.listLabel')}>
        {accounts.map((account) => (
          <li key={account.id}>
            <Button variant="secondary" className="account-choices__button" disabled={verify.isPending} onClick={() => choose(account.id)}>
              <span>{account.displayName}</span>
              {account.isYoungStudent && <span className="account-choices__note">{t('auth.account.youngStudent')}</span>}
            </Button>
          </li>
        ))}
      </ul>
      {verify.isPending && (
        <p className="form__status" role="status">
          {t('auth.code.submitting')}
        </p>
      )}
      {verify.error && <Alert ref={errorRef}>{describeError(verify.error, t)}</Alert>}
      <div className="form__secondary">
        <Button variant="quiet" onClick={onBack} disabled={verify.isPending}>
          {t('auth.account.back')}
        </Button>
      </div>
    </div>
  );
}
