// @vitest-environment jsdom
import type { TSystemEvent } from '@parta/contracts';
import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { anna, chat, message, stubLayout } from '../../testing/chat-fixtures';
import { chatServer } from '../../testing/chat-server';
import { renderApp, testMe } from '../../testing/render-app';

// How «Общешкольный канал» tells the school about its broadcasts: planned (with a link to the
// broadcast's page), live, ended with the most who watched at once, cancelled (no link).

setUpAppTests();
beforeEach(() => {
  stubLayout();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());

const broadcastId = 'b7000000-0000-4000-8000-0000000000b7';
const schoolChannel = chat({ title: 'Общешкольный канал', kind: 'channel', memberCount: 420 });
const announcement = (seq: number, broadcast: NonNullable<TSystemEvent['broadcast']>) =>
  message(schoolChannel, { seq, author: null, kind: 'system', text: '', system: { action: 'broadcast', actor: anna, subjects: [], title: null, broadcast } });

describe('broadcasts in the school channel', () => {
  it('says what happened to a broadcast in words and links to it while it is planned or live', async () => {
    const base = { broadcastId, title: 'Последний звонок', scheduledFor: '2027-05-25T07:00:00.000Z', peakViewers: null };
    chatServer([schoolChannel], {
      [schoolChannel.id]: [
        announcement(4, { ...base, outcome: 'ended', peakViewers: 312 }),
        announcement(3, { ...base, outcome: 'started' }),
        announcement(2, { ...base, outcome: 'scheduled' }),
      ],
    });
    renderApp(`/chats/${schoolChannel.id}`);
    const planned = (await screen.findByText(/Анна Смирнова запланировал\(а\) трансляцию «Последний звонок» на/)).closest('article')!;
    expect(within(planned).getByRole('link', { name: 'Открыть трансляцию' }).getAttribute('href')).toBe(`/broadcasts/${broadcastId}`);
    const live = screen.getByText(/Трансляция «Последний звонок» в эфире/).closest('article')!;
    expect(within(live).getByRole('link', { name: 'Открыть трансляцию' })).toBeTruthy();
    const ended = screen.getByText(/Трансляция «Последний звонок» завершена · смотрели одновременно до 312/).closest('article')!;
    expect(within(ended).queryByRole('link')).toBeNull();
  });
});
