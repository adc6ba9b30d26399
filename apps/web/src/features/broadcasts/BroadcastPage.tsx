import type { TBroadcast } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { formatDateTime } from '../../platform/i18n/format';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { describeBroadcastError } from './broadcast-labels';
import { BroadcastStudio } from './BroadcastStudio';
import { broadcastQueryKey, endBroadcast, fetchBroadcast, renewWatchLink, revokeWatchLink, startBroadcast } from './broadcasts-api';
import { StatusBadge } from './BroadcastsPage';

type Action = 'start' | 'end' | 'revoke' | 'renew';
/** Actions that cut people off ask first. */
type Confirmable = Exclude<Action, 'start'>;

/**
 * /broadcasts/:broadcastId — a broadcast's page: what and when, its speakers, how many watch; for
 * those who manage it: start, end, and its watch link (copy, revoke, make anew); for its speakers
 * while live: the studio to go on air.
 */
export function BroadcastPage() {
  const { t } = useTranslation();
  const { broadcastId = '' } = useParams();
  const broadcast = useQuery({
    queryKey: broadcastQueryKey(broadcastId),
    queryFn: ({ signal }) => fetchBroadcast(broadcastId, signal),
    // Viewer counts while live; a planned one may be started by another organizer.
    refetchInterval: (query) => (query.state.data?.status === 'live' ? 5_000 : query.state.data?.status === 'scheduled' ? 15_000 : false),
  });
  const data = broadcast.data;
  usePageTitle(data?.title ?? t('broadcasts.title'));
  if (!data) {
    return (
      <section className="page card" aria-labelledby="page-title">
        <h1 id="page-title">{t('broadcasts.title')}</h1>
        {isApiError(broadcast.error) && broadcast.error.status === 404 ? <p>{t('broadcasts.page.notFound')}</p> : <QueryStatus query={broadcast} />}
        <p>
          <Link to="/broadcasts">{t('broadcasts.page.back')}</Link>
        </p>
      </section>
    );
  }
  return <BroadcastDetails broadcast={data} />;
}

function BroadcastDetails({ broadcast }: { broadcast: TBroadcast }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<Confirmable | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const confirmOpenerRef = useRef<HTMLElement | null>(null);
  const act = useMutation({
    mutationFn: (action: Action) =>
      action === 'start' ? startBroadcast(broadcast.id) : action === 'end' ? endBroadcast(broadcast.id) : action === 'renew' ? renewWatchLink(broadcast.id) : revokeWatchLink(broadcast.id),
    onSuccess: (updated, action) => {
      queryClient.setQueryData(broadcastQueryKey(broadcast.id), updated);
      void queryClient.invalidateQueries({ queryKey: ['broadcasts', 'organization', updated.organizationId] });
      setConfirming(null);
      setAnnouncement(
        action === 'start'
          ? t('broadcasts.page.started')
          : action === 'end'
            ? broadcast.status === 'scheduled'
              ? t('broadcasts.page.cancelled')
              : t('broadcasts.page.ended')
            : action === 'renew'
              ? t('broadcasts.link.renewed')
              : t('broadcasts.link.revoked'),
      );
    },
  });
  const ask = (action: Confirmable) => (event: { currentTarget: HTMLElement }) => {
    // Without a link there is nothing to cut off: a new one is made at once.
    if (action === 'renew' && !broadcast.watchUrl) return act.mutate('renew');
    confirmOpenerRef.current = event.currentTarget;
    act.reset();
    setConfirming(action);
  };
  const isLive = broadcast.status === 'live';
  const isOver = broadcast.status === 'ended';
  const textsOf = (prefix: string) => ({ title: t(`${prefix}.title`), text: t(`${prefix}.text`), confirm: t(`${prefix}.confirm`) });
  const confirmTexts: Record<Confirmable, { title: string; text: string; confirm: string }> = {
    end: textsOf(broadcast.status === 'scheduled' ? 'broadcasts.page.confirmCancel' : 'broadcasts.page.confirmEnd'),
    revoke: textsOf('broadcasts.link.confirmRevoke'),
    renew: textsOf('broadcasts.link.confirmRenew'),
  };

  return (
    <section className="page page--wide broadcast-page" aria-labelledby="page-title">
      <p>
        <Link to="/broadcasts">{t('broadcasts.page.back')}</Link>
      </p>
      <h1 id="page-title">{broadcast.title}</h1>
      <p className="broadcast-page__facts">
        <StatusBadge broadcast={broadcast} /> <span className="muted">{t('broadcasts.page.createdBy', { name: broadcast.createdBy.displayName })}</span>
      </p>
      {broadcast.description && <p className="broadcast-page__description">{broadcast.description}</p>}
      {broadcast.startedAt && <p className="muted">{t('broadcasts.page.startedAt', { when: formatDateTime(new Date(broadcast.startedAt), i18n.language) })}</p>}
      {broadcast.endedAt && <p className="muted">{t('broadcasts.page.endedAt', { when: formatDateTime(new Date(broadcast.endedAt), i18n.language) })}</p>}
      {isLive && <p className="broadcast-page__viewers">{t('broadcasts.page.viewers', { count: broadcast.viewers })}</p>}
      {isOver && <p>{t('broadcasts.page.stats', { peak: broadcast.peakViewers, total: broadcast.totalViews })}</p>}
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>

      {broadcast.canManage && !isOver && (
        <div className="toolbar">
          {broadcast.status === 'scheduled' && (
            <Button disabled={act.isPending} onClick={() => act.mutate('start')}>
              {t('broadcasts.page.start')}
            </Button>
          )}
          <Button variant="secondary" className="button--danger" disabled={act.isPending} onClick={ask('end')}>
            {isLive ? t('broadcasts.page.end') : t('broadcasts.page.cancel')}
          </Button>
        </div>
      )}
      {act.error && !confirming && <Alert>{describeBroadcastError(act.error, t)}</Alert>}

      <section className="card" aria-labelledby="broadcast-speakers-title">
        <h2 id="broadcast-speakers-title">{t('broadcasts.page.speakersTitle')}</h2>
        <ul className="broadcast-speakers">
          {broadcast.speakers.map((speaker) => (
            <li key={speaker.person.id}>
              {speaker.person.displayName}
              {isLive && speaker.onAir && <span className="badge badge--broadcast-live">{t('broadcasts.page.onAirMark')}</span>}
            </li>
          ))}
        </ul>
      </section>

      {!isOver && <WatchLink broadcast={broadcast} onAsk={ask} isPending={act.isPending} />}

      {isLive && broadcast.isSpeaker && <BroadcastStudio broadcastId={broadcast.id} />}

      {confirming && (
        <ConfirmDialog
          title={confirmTexts[confirming].title}
          confirmLabel={confirmTexts[confirming].confirm}
          isDangerous
          isPending={act.isPending}
          error={act.error ? describeBroadcastError(act.error, t) : undefined}
          onConfirm={() => act.mutate(confirming)}
          onCancel={() => setConfirming(null)}
          returnFocusRef={confirmOpenerRef}
        >
          <p>{confirmTexts[confirming].text}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The public watch link: copy it, open it as a viewer, and (managers) revoke it or make a new one. */
function WatchLink({ broadcast, onAsk, isPending }: { broadcast: TBroadcast; onAsk: (action: 'revoke' | 'renew') => (event: { currentTarget: HTMLElement }) => void; isPending: boolean }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  const url = broadcast.watchUrl;
  return (
    <section className="card broadcast-link" aria-labelledby="broadcast-link-title">
      <h2 id="broadcast-link-title">{t('broadcasts.link.title')}</h2>
      {url ? (
        <>
          <p className="muted">{t('broadcasts.link.hint')}</p>
          <p>
            <input className="field__input broadcast-link__url" readOnly value={url} aria-label={t('broadcasts.link.label')} onFocus={(event) => event.currentTarget.select()} />
          </p>
          <div className="toolbar">
            <Button variant="secondary" onClick={() => void copy(url)}>
              {t('broadcasts.link.copy')}
            </Button>
            <a className="button button--secondary" href={url} target="_blank" rel="noopener noreferrer">
              {t('broadcasts.link.watch')}
            </a>
            {broadcast.canManage && (
              <>
                <Button variant="secondary" disabled={isPending} onClick={onAsk('renew')}>
                  {t('broadcasts.link.renew')}
                </Button>
                <Button variant="secondary" className="button--danger" disabled={isPending} onClick={onAsk('revoke')}>
                  {t('broadcasts.link.revoke')}
                </Button>
              </>
            )}
          </div>
          <p role="status" className="muted">
            {copied === 'copied' ? t('broadcasts.link.copied') : copied === 'failed' ? t('broadcasts.link.copyFailed') : ''}
          </p>
        </>
      ) : (
        <>
          <p>{t('broadcasts.link.none')}</p>
          {broadcast.canManage && (
            <Button disabled={isPending} onClick={onAsk('renew')}>
              {t('broadcasts.link.renew')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
