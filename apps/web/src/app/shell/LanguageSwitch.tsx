import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../platform/i18n/describe-error';
import { currentLanguage } from '../../platform/i18n/i18n';
import { isSupportedLanguage, supportedLanguages } from '../../platform/i18n/languages';
import { meQueryKey, updateMe } from '../../platform/session/me-api';
import { useMeQuery } from '../../platform/session/use-me';

/**
 * «Язык»: switches the interface at once (and <html lang>, and the stored choice, via i18n.ts);
 * when someone is signed in, also saves it to their profile so other devices follow.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { data: me } = useMeQuery();
  const [error, setError] = useState<string | undefined>();
  const id = useId();

  const onChange = (value: string) => {
    if (!isSupportedLanguage(value)) return;
    setError(undefined);
    void i18n.changeLanguage(value);
    if (!me) return;
    // Optimistic, so the profile-language sync does not switch back while the request runs.
    queryClient.setQueryData(meQueryKey, { ...me, locale: value });
    updateMe({ locale: value }).then(
      (updated) => queryClient.setQueryData(meQueryKey, updated),
      (failure: unknown) => setError(describeError(failure, i18n.t)),
    );
  };

  return (
    <div className="language-switch">
      <label htmlFor={id} className="language-switch__label">
        {t('language.label')}
      </label>
      <select id={id} className="language-switch__select" value={currentLanguage(i18n)} onChange={(event) => onChange(event.target.value)} aria-describedby={error ? `${id}-error` : undefined}>
        {supportedLanguages.map((language) => (
          <option key={language} value={language} lang={language}>
            {t(`language.${language}`)}
          </option>
        ))}
      </select>
      {error && (
        <p id={`${id}-error`} className="language-switch__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
