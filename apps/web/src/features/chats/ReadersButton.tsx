import type { TMessage } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { useDisclosure } from '../../ui/use-disclosure';
import { QueryStatus } from '../../ui/QueryStatus';
import { PersonName } from '../school/PersonName';
import { useReaders } from './use-chat-queries';

/** «Прочитали 3» under the person's own message; opens the list of those who read it. */
export function ReadersButton({ message }: { message: TMessage }) {
  const { t } = useTranslation();
  const { isOpen, containerRef, panelId, toggleProps } = useDisclosure();
  const readers = useReaders(message.chatId, message.id, { enabled: isOpen });
  return (
    <div className="readers" ref={containerRef}>
      <button {...toggleProps} className="readers__toggle">
        <span aria-hidden="true">✓✓ </span>
        {t('chats.readers.count', { count: message.readCount })}
      </button>
      <div id={panelId} className="readers__panel" hidden={!isOpen} role="group" aria-label={t('chats.readers.title')}>
        <p className="readers__title">{t('chats.readers.title')}</p>
        <QueryStatus query={readers} />
        {readers.data && (
          <ul className="readers__list">
            {readers.data.readers.map((person) => (
              <li key={person.id}>
                <PersonName person={person} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
