import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { currentLanguage } from '../../platform/i18n/i18n';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { meQueryKey, updateMe } from '../../platform/session/me-api';
import { safeNextPath } from '../../platform/session/next-path';
import { useMeQuery } from '../../platform/session/use-me';
import { FullPageStatus } from '../../ui/FullPageStatus';
import { RequestCodeForm } from './RequestCodeForm';
import { AccountChooser } from './AccountChooser';
import type { TAccountChoice, TSignedIn } from './auth-api';
import { VerifyCodeForm, type SentCode } from './VerifyCodeForm';
import { welcomePathFor } from './welcome-path';

type Step = { kind: 'destination' } | { kind: 'code'; sent: SentCode } | { kind: 'account'; sent: SentCode; code: string; accounts: TAccountChoice[] };

/** /sign-in: e-mail or phone → one-time code → the page the person first asked for. */
export function SignInPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const meQuery = useMeQuery();
  const [step, setStep] = useState<Step>({ kind: 'destination' });
  const [typedDestination, setTypedDestination] = useState('');
  usePageTitle(t('auth.signIn.title'));

  // Already signed in (e.g. a second tab): nothing to do here.
  if (step.kind === 'destination' && meQuery.data) return <Navigate to={next} replace />;
  if (meQuery.isPending) return <FullPageStatus>{t('app.loading')}</FullPageStatus>;

  const onVerified = ({ me, isNewAccount }: TSignedIn) => {
    // The language the person just signed in with becomes their profile language.
    const language = currentLanguage(i18n);
    queryClient.setQueryData(meQueryKey, me.locale === language ? me : { ...me, locale: language });
    if (me.locale !== language) {
      updateMe({ locale: language }).then(
        (updated) => queryClient.setQueryData(meQueryKey, updated),
        (error: unknown) => console.warn('Could not save the language to the profile', error),
      );
    }
    const needsName = isNewAccount || me.displayName.trim() === '';
    void navigate(needsName ? welcomePathFor(next) : next, { replace: true });
  };

  return (
    <div className="card auth-card">
      {step.kind === 'destination' && (
        <RequestCodeForm
          initialDestination={typedDestination}
          onSent={(sent, typed) => {
            setTypedDestination(typed);
            setStep({ kind: 'code', sent: { ...sent, expiresAt: Date.now() + sent.expiresInSeconds * 1000 } });
          }}
        />
      )}
      {step.kind === 'code' && (
        <VerifyCodeForm
          sent={step.sent}
          onResent={(sent) => setStep({ kind: 'code', sent })}
          onChangeDestination={() => setStep({ kind: 'destination' })}
          onVerified={onVerified}
          onChooseAccount={(accounts, code) => setStep({ kind: 'account', sent: step.sent, code, accounts })}
        />
      )}
      {step.kind === 'account' && (
        <AccountChooser
          destination={step.sent.destination}
          code={step.code}
          accounts={step.accounts}
          onVerified={onVerified}
          onBack={() => setStep({ kind: 'code', sent: step.sent })}
        />
      )}
      <p className="auth-card__footer">
        {t('register.signInPrompt')} <Link to="/register">{t('register.signInLink')}</Link>
      </p>
    </div>
  );
}
