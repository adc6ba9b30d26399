import { broadcastWatchSocketPath } from '@parta/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { LanguageSwitch } from '../../app/shell/LanguageSwitch';
import { isApiError } from '../../platform/api';
import { formatDateTime } from '../../platform/i18n/format';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { SkipLink } from '../../ui/SkipLink';
import type { BroadcastEnd } from './broadcast-session';
import { BroadcastTiles } from './BroadcastTiles';
import { fetchPublicBroadcast, publicBroadcastQueryKey } from './broadcasts-api';
import { useBroadcastSession } from './use-broadcast-session';

/**
 * /watch/:token, public: a broadcast through its watch link, signed in or not. Before it starts:
 * when it will; while live: the speakers on air (muted until «Включить звук», as browsers require),
 * how many watch; afterwards: that it ended. Only watching: nothing here publishes.
 */
export function WatchPage() {
  const { t } = useTranslation();
  return (
    <div className="watch-layout">
      <SkipLink targetId="main">{t('app.skipToContent')}</SkipLink>
      <header className="auth-layout__header">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="watch-layout__main" tabIndex={-1}>
        <Watch />
      </main>
    </div>
  );
}

function Watch() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const [soundOn, setSoundOn] = useState(false);
  // Why the live socket closed for good; kept once that connection is gone.
  const [finalEnd, setFinalEnd] = useState<BroadcastEnd | null>(null);
  const preview = useQuery({
    queryKey: publicBroadcastQueryKey(token),
    queryFn: ({ signal }) => fetchPublicBroadcast(token, signal),
    // A scheduled broadcast is looked at again now and then, so the page goes live by itself.
    refetchInterval: (query) => (query.state.data?.status === 'scheduled' ? 15_000 : false),
  });
  const isLive = preview.data?.status === 'live' && !finalEnd;
  const { state } = useBroadcastSession(isLive ? broadcastWatchSocketPath(token) : null);
  useEffect(() => {
    if (state.end) setFinalEnd(state.end);
  }, [state.end]);
  const end = state.end ?? finalEnd;
  const broadcast = state.broadcast ?? preview.data;
  usePageTitle(broadcast?.title ?? t('broadcasts.title'));

  const isInvalid = (isApiError(preview.error) && preview.error.status === 404) || end === 'notFound';
  if (isInvalid || end === 'revoked') {
    return (
      <section className="card prose watch" aria-labelledby="page-title">
        <h1 id="page-title">{t('broadcasts.watch.invalidTitle')}</h1>
        <p role="status">{end === 'revoked' ? t('broadcasts.watch.revoked') : t('broadcasts.watch.invalid')}</p>
      </section>
    );
  }
  if (!broadcast) {
    return (
      <section className="card watch" aria-labelledby="page-title">
        <h1 id="page-title">{t('broadcasts.title')}</h1>
        <QueryStatus query={preview} />
      </section>
    );
  }

  const status = end === 'ended' ? 'ended' : broadcast.status;
  // The video never connected (a network that blocks it): said so, and tried again only when asked.
  const noMedia = end === 'noMedia';
  const live = status === 'live' && !noMedia;
  const statusLine =
    status === 'ended'
      ? t('broadcasts.watch.ended')
      : noMedia
        ? t('broadcasts.watch.noMedia')
      : status === 'scheduled'
        ? broadcast.scheduledFor
          ? t('broadcasts.watch.startsAt', { when: formatDateTime(new Date(broadcast.scheduledFor), i18n.language) })
          : t('broadcasts.watch.notStarted')
        : state.connection === 'reconnecting'
          ? t('broadcasts.watch.reconnecting')
          : state.connection === 'connecting'
            ? t('broadcasts.watch.connecting')
            : state.tiles.length === 0
              ? t('broadcasts.watch.waiting')
              : null;

  return (
    <section className="watch" aria-labelledby="page-title">
      <header className="watch__header">
        <h1 id="page-title">{broadcast.title}</h1>
        <p className="muted">{t('broadcasts.watch.organization', { name: broadcast.organizationName })}</p>
        {broadcast.description && <p className="watch__description">{broadcast.description}</p>}
      </header>
      <div className="watch__bar">
        {/* Status changes (started, reconnecting, ended) are announced; «В эфире» while the speakers are seen. */}
        <p className="watch__status" role="status" aria-live="polite">
          {statusLine ?? <span className="badge badge--live">{t('broadcasts.status.live')}</span>}
        </p>
        {live && <p className="watch__viewers">{t('broadcasts.watch.viewers', { count: broadcast.viewers })}</p>}
        {noMedia && status === 'live' && (
          <Button variant="primary" onClick={() => setFinalEnd(null)}>
            {t('broadcasts.watch.retry')}
          </Button>
        )}
        {live && (
          <Button variant={soundOn ? 'secondary' : 'primary'} aria-pressed={soundOn} onClick={() => setSoundOn(!soundOn)}>
            <span aria-hidden="true">{soundOn ? '🔊 ' : '🔇 '}</span>
            {soundOn ? t('broadcasts.watch.soundOff') : t('broadcasts.watch.soundOn')}
          </Button>
        )}
      </div>
      {live && !soundOn && state.tiles.length > 0 && <p className="muted">{t('broadcasts.watch.soundHint')}</p>}
      {live && state.tiles.length > 0 && <BroadcastTiles tiles={state.tiles} muted={!soundOn} label={t('broadcasts.watch.grid')} />}
    </section>
  );
}
