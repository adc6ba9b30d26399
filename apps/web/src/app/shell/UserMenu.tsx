import { useTranslation } from 'react-i18next';
import { useSignOut } from '../../features/auth/use-sign-out';
import { describeError } from '../../platform/i18n/describe-error';
import { useMe } from '../../platform/session/use-me';
import { useDisclosure } from '../../ui/use-disclosure';

/**
 * The person's name opening «Выйти» / «Выйти на всех устройствах». A disclosure (button +
 * list of buttons) rather than an ARIA menu: simpler for screen readers, Tab works as usual,
 * Escape closes and returns focus to the name.
 */
export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  const { isOpen, containerRef, panelId, toggleProps } = useDisclosure();

  return (
    <div className="user-menu" ref={containerRef}>
      <button {...toggleProps} className="user-menu__toggle">
        <span className="user-menu__name">{me.displayName}</span>
        <span className="visually-hidden">, {t('userMenu.label')}</span>
        <span className="user-menu__chevron" aria-hidden="true">
          ▾
        </span>
      </button>
      <div id={panelId} className="user-menu__panel" hidden={!isOpen}>
        <ul>
          <li>
            <button type="button" className="user-menu__item" disabled={signOut.isPending} onClick={() => signOut.mutate('this-device')}>
              {t('userMenu.signOut')}
            </button>
          </li>
          <li>
            <button type="button" className="user-menu__item" disabled={signOut.isPending} onClick={() => signOut.mutate('everywhere')}>
              {t('userMenu.signOutEverywhere')}
            </button>
          </li>
        </ul>
        {signOut.error && (
          <p className="user-menu__error" role="alert">
            {describeError(signOut.error, t)}
          </p>
        )}
      </div>
    </div>
  );
}
