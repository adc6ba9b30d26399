import type { TChat, TMessage, TPersonRef } from '@parta/contracts';
import { vi } from 'vitest';
import { testMe, type FakeAnswer } from './render-app';
import { fixtureId, schoolId } from './school-fixtures';

/** Fixtures for the chats' tests: chats of the test school, messages, people. */
export const me: TPersonRef = { id: testMe.id, displayName: testMe.displayName, verifiedTeacher: false };
export const anna: TPersonRef = { id: 'b0000000-0000-4000-8000-00000000aaaa', displayName: 'Анна Смирнова', verifiedTeacher: true };
export const ivan: TPersonRef = { id: 'b0000000-0000-4000-8000-00000000dddd', displayName: 'Иван Петров', verifiedTeacher: false };

export function chat(overrides: Partial<TChat> & { title: string }): TChat {
  return {
    id: fixtureId('c4a70000'),
    organizationId: schoolId,
    kind: 'group',
    classId: null,
    peer: null,
    memberCount: 3,
    lastMessage: null,
    lastSeq: 0,
    lastReadSeq: 0,
    unreadCount: 0,
    myRole: 'member',
    onlyAdminsWrite: false,
    canWrite: true,
    muted: false,
    unreadMentionCount: 0,
    description: '',
    systemChannel: null,
    pinned: null,
    ...overrides,
  };
}

/** The n-th message of a chat, a minute apart from 10:00 today. */
export function message(of: Pick<TChat, 'id'>, overrides: Partial<TMessage> & { seq: number }): TMessage {
  const createdAt = new Date();
  createdAt.setHours(10, overrides.seq, 0, 0);
  return {
    id: fixtureId('3e550000'),
    chatId: of.id,
    kind: 'text',
    author: anna,
    clientId: fixtureId('c1e00000'),
    text: `Сообщение ${overrides.seq}`,
    system: null,
    replyTo: null,
    createdAt: createdAt.toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
    attachments: [],
    mentions: [],
    urgent: false,
    forwardedFrom: null,
    acknowledgements: null,
    readCount: 0,
    ...overrides,
  };
}

/** A chat as the list shows it: its newest message known. */
export function withLast(base: TChat, last: TMessage, unreadCount = 0): TChat {
  return { ...base, lastMessage: last, lastSeq: last.seq, lastReadSeq: last.seq - unreadCount, unreadCount };
}

/** A realtime event frame as the gateway sends it. */
export function eventFrame(seq: number, name: string, data: unknown) {
  return { type: 'event', seq, name, data, at: new Date().toISOString() };
}

/** A request the test answers when it wants to (to see what shows meanwhile). */
export function deferred() {
  let resolve!: (answer: FakeAnswer) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<FakeAnswer>((resolveWith, rejectWith) => {
    resolve = resolveWith;
    reject = rejectWith;
  });
  return { promise, resolve, reject };
}

/**
 * jsdom lays nothing out: give every element a height, so the virtualised message list shows
 * what a window would (a 2000 px tall list of 40 px rows), and say the window has focus.
 */
export function stubLayout(): void {
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(2000);
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(40);
  vi.spyOn(document, 'hasFocus').mockReturnValue(true);
}
