import type { TChat, TChatKind, TMessage, TPersonRef, TSystemEvent } from '@parta/contracts';
import type { TFunction } from 'i18next';
import type { TranslationKey } from '../../platform/i18n/translation-key';
import { formatDateTime } from '../../platform/i18n/format';
import { plainText } from './message-markup';

/** The kind of a chat in words, shown beside its title («Класс», «Родители»); none for group and direct chats. */
export const chatKindLabelKeys: Partial<Record<TChatKind, TranslationKey>> = {
  class: 'chats.kinds.class',
  parents: 'chats.kinds.parents',
  direct: 'chats.kinds.direct',
  channel: 'chats.kinds.channel',
};

/** A small sign for each kind, for sighted people; the words are there for everyone. */
export const chatKindIcons: Record<TChatKind, string> = { group: '👥', class: '🏫', parents: '👪', direct: '👤', channel: '📢' };

const names = (people: readonly TPersonRef[]) => people.map((person) => person.displayName).join(', ');

/** A system message in words: «Анна Смирнова добавил(а) в чат: Иван Петров». */
export function describeSystemEvent(system: TSystemEvent, t: TFunction): string {
  const actor = system.actor?.displayName;
  const subjects = names(system.subjects);
  switch (system.action) {
    case 'created':
      return actor ? t('chats.system.created', { actor }) : t('chats.system.createdNoActor');
    case 'added':
      return actor ? t('chats.system.added', { actor, subjects }) : t('chats.system.addedNoActor', { subjects });
    case 'removed':
      return actor ? t('chats.system.removed', { actor, subjects }) : t('chats.system.removedNoActor', { subjects });
    case 'left':
      return t('chats.system.left', { subjects: subjects || actor || '' });
    case 'joined':
      return t('chats.system.joined', { subjects: subjects || actor || '' });
    case 'renamed':
      return actor ? t('chats.system.renamed', { actor, title: system.title ?? '' }) : t('chats.system.renamedNoActor', { title: system.title ?? '' });
    case 'onlyAdminsWrite':
      return actor ? t('chats.system.onlyAdminsWrite', { actor }) : t('chats.system.onlyAdminsWriteNoActor');
    case 'everyoneWrites':
      return actor ? t('chats.system.everyoneWrites', { actor }) : t('chats.system.everyoneWritesNoActor');
    case 'pinned':
      return actor ? t('chats.system.pinned', { actor }) : t('chats.system.pinnedNoActor');
    case 'call': {
      const call = system.call;
      if (!call || call.outcome === 'declined') return t('chats.system.callDeclined');
      if (call.outcome === 'missed' || call.durationSeconds === null) return t(call.video ? 'chats.system.videoCallMissed' : 'chats.system.callMissed');
      return t(call.video ? 'chats.system.videoCallEnded' : 'chats.system.callEnded', { duration: formatCallDuration(call.durationSeconds, t) });
    }
    case 'lesson': {
      const lesson = system.lesson;
      if (!lesson) return t('chats.system.lessonStarted', { title: '' });
      if (lesson.outcome === 'scheduled') return t('chats.system.lessonScheduled', { actor: actor ?? '', title: lesson.title, when: lesson.scheduledFor ? formatDateTime(new Date(lesson.scheduledFor), t('language.code')) : '' });
      if (lesson.outcome === 'started') return t('chats.system.lessonStarted', { title: lesson.title });
      const attendance = lesson.attendance ?? [];
      return t('chats.system.lessonEnded', {
        title: lesson.title,
        duration: formatCallDuration(lesson.durationSeconds ?? 0, t),
        present: attendance.filter((row) => row.joinedAt !== null).length,
        total: attendance.length,
      });
    }
    case 'broadcast': {
      const broadcast = system.broadcast;
      if (!broadcast) return t('chats.system.broadcastStarted', { title: '' });
      if (broadcast.outcome === 'scheduled') return t('chats.system.broadcastScheduled', { actor: actor ?? '', title: broadcast.title, when: broadcast.scheduledFor ? formatDateTime(new Date(broadcast.scheduledFor), t('language.code')) : '' });
      if (broadcast.outcome === 'started') return t('chats.system.broadcastStarted', { title: broadcast.title });
      if (broadcast.outcome === 'cancelled') return t('chats.system.broadcastCancelled', { title: broadcast.title });
      return t('chats.system.broadcastEnded', { title: broadcast.title, peak: broadcast.peakViewers ?? 0 });
    }
  }
}

/** «45 с», «3 мин 12 с», «1 ч 05 мин». */
export function formatCallDuration(seconds: number, t: TFunction): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return t('calls.duration.hours', { h, m: String(m).padStart(2, '0') });
  if (m > 0) return t('calls.duration.minutes', { m, s });
  return t('calls.duration.seconds', { s });
}

/** A message in one line: the chat list's excerpt, a reply's quote, the live announcement. */
export function describeMessageBriefly(message: TMessage, t: TFunction): string {
  if (message.deletedAt !== null) return t('chats.message.deleted');
  if (message.kind === 'system' && message.system) return describeSystemEvent(message.system, t);
  const text = plainText(message.text).replace(/\s+/g, ' ').trim();
  if (message.attachments.length === 0) return text;
  // Files are named after the text (or instead of it): «📎 план.pdf».
  const files = `📎 ${message.attachments.map((attachment) => attachment.name).join(', ')}`;
  return text === '' ? files : `${text} ${files}`;
}

/** «Вы: …», «Анна Смирнова: …», or just the words of a system message. */
export function describeLastMessage(chat: TChat, meId: string, t: TFunction): string | null {
  const message = chat.lastMessage;
  if (!message) return null;
  const text = describeMessageBriefly(message, t);
  if (message.kind === 'system' || !message.author) return text;
  const author = message.author.id === meId ? t('chats.message.you') : message.author.displayName;
  return `${author}: ${text}`;
}
