import { broadcastStudioSocketPath } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { BroadcastTiles, StreamVideo } from './BroadcastTiles';
import { broadcastQueryKey } from './broadcasts-api';
import { useBroadcastSession } from './use-broadcast-session';

/**
 * A speaker's studio while the broadcast is live: «Выйти в эфир» with the camera and microphone
 * (the own picture muted and mirrored), «Покинуть эфир», the microphone and camera, and the other
 * speakers on air as the viewers see them.
 */
export function BroadcastStudio({ broadcastId }: { broadcastId: string }) {
  const { t } = useTranslation();
  const { session, state } = useBroadcastSession(broadcastStudioSocketPath(broadcastId), { withCamera: true });
  // The others are muted until asked, as for viewers: browsers refuse to autoplay sound.
  const [soundOn, setSoundOn] = useState(false);
  const queryClient = useQueryClient();
  // Ended, or this person is no longer a speaker: the page learns it now rather than at its next poll.
  useEffect(() => {
    if (state.end) void queryClient.invalidateQueries({ queryKey: broadcastQueryKey(broadcastId) });
  }, [state.end, queryClient, broadcastId]);
  const airStatus = state.connection === 'reconnecting' ? t('broadcasts.studio.reconnecting') : state.onAir === 'on' ? t('broadcasts.studio.onAir') : state.onAir === 'starting' ? t('broadcasts.studio.starting') : t('broadcasts.studio.offAir');
  return (
    <section className="card broadcast-studio" aria-labelledby="broadcast-studio-title">
      <h2 id="broadcast-studio-title">{t('broadcasts.studio.title')}</h2>
      <p className="muted">{t('broadcasts.studio.hint')}</p>
      <p className="broadcast-studio__status" role="status" aria-live="polite">
        {state.onAir === 'on' && <span className="badge badge--broadcast-live">{t('broadcasts.status.live')}</span>} {airStatus}
      </p>
      {state.problem === 'noDevices' && <Alert>{t('broadcasts.studio.noDevices')}</Alert>}
      {state.error && <Alert>{state.error}</Alert>}
      <div className="toolbar" role="toolbar" aria-label={t('broadcasts.studio.controls')}>
        {state.onAir === 'off' ? (
          <Button disabled={!session || state.connection !== 'open'} onClick={() => void session?.goOnAir()}>
            {t('broadcasts.studio.goOnAir')}
          </Button>
        ) : (
          <Button variant="secondary" className="button--danger" onClick={() => session?.leaveAir()}>
            {t('broadcasts.studio.leaveAir')}
          </Button>
        )}
        {state.tiles.length > 0 && (
          <Button variant="secondary" aria-pressed={soundOn} onClick={() => setSoundOn(!soundOn)}>
            {soundOn ? t('broadcasts.watch.soundOff') : t('broadcasts.watch.soundOn')}
          </Button>
        )}
        {state.localStream && (
          <>
            <Button variant="secondary" aria-pressed={state.micMuted} disabled={state.localStream.getAudioTracks().length === 0} onClick={() => session?.setMicMuted(!state.micMuted)}>
              {state.micMuted ? t('broadcasts.studio.unmute') : t('broadcasts.studio.mute')}
            </Button>
            <Button variant="secondary" aria-pressed={state.cameraOff} disabled={state.localStream.getVideoTracks().length === 0} onClick={() => session?.setCameraOff(!state.cameraOff)}>
              {state.cameraOff ? t('broadcasts.studio.cameraOn') : t('broadcasts.studio.cameraOff')}
            </Button>
          </>
        )}
      </div>
      {state.localStream && (
        <figure className="broadcast-tile broadcast-tile--self" aria-label={t('broadcasts.studio.you')}>
          <StreamVideo stream={state.localStream} muted mirrored label={t('broadcasts.studio.you')} />
          <figcaption className="broadcast-tile__name">{t('broadcasts.studio.you')}</figcaption>
        </figure>
      )}
      {state.tiles.length > 0 ? <BroadcastTiles tiles={state.tiles} muted={!soundOn} label={t('broadcasts.watch.grid')} /> : <p className="muted">{t('broadcasts.studio.nobody')}</p>}
    </section>
  );
}
