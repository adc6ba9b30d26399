import type { TCall, TCallParticipant } from '@parta/contracts';
import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import type { CallSession, NetworkQuality } from './call-session';
import { formatCallDuration } from '../chats/chat-labels';
import { describeCallError } from './call-errors';
import { admitParticipant, muteAll, muteParticipant, removeParticipant, setHand } from './calls-api';

/** Tiles on one page of the grid; past this the grid pages (a lesson of 100 shows 16 at a time). */
export const tilesPerPage = 16;

function useSessionState(session: CallSession) {
  return useSyncExternalStore(session.subscribe, session.getState);
}

function useElapsed(since: string | null) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return since ? Math.max(0, Math.round((now - new Date(since).getTime()) / 1000)) : null;
}

/** A video of a stream; the own one is muted (no echo) and mirrored. */
function StreamVideo({ stream, muted, mirrored, label }: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} className={`call-tile__video${mirrored ? ' call-tile__video--mirrored' : ''}`} autoPlay playsInline muted={muted} aria-label={label} />;
}

const qualityIcons: Record<NetworkQuality, string> = { good: '🟢', fair: '🟡', poor: '🔴', unknown: '⚪' };

/** Pick a microphone or camera. */
function DeviceSettings({ session, onClose }: { session: CallSession; onClose: () => void }) {
  const { t } = useTranslation();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const micId = useId();
  const cameraId = useId();
  useEffect(() => {
    void navigator.mediaDevices?.enumerateDevices().then(setDevices);
  }, []);
  const current = session.getState().localStream;
  const currentId = (kind: 'audio' | 'video') => (kind === 'audio' ? current?.getAudioTracks() : current?.getVideoTracks())?.[0]?.getSettings().deviceId ?? '';
  const select = (kind: 'audioinput' | 'videoinput', id: string, label: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} defaultValue={currentId(kind === 'audioinput' ? 'audio' : 'video')} onChange={(event) => void session.useDevice(kind, event.target.value)}>
        {devices
          .filter((device) => device.kind === kind)
          .map((device, index) => (
            <option key={device.deviceId || index} value={device.deviceId}>
              {device.label || t(kind === 'audioinput' ? 'calls.devices.unnamedMic' : 'calls.devices.unnamedCamera', { n: index + 1 })}
            </option>
          ))}
      </select>
    </div>
  );
  return (
    <div className="call-window__panel" role="group" aria-label={t('calls.devices.title')}>
      <h3>{t('calls.devices.title')}</h3>
      {select('audioinput', micId, t('calls.devices.microphone'))}
      {select('videoinput', cameraId, t('calls.devices.camera'))}
      <Button variant="secondary" onClick={onClose}>
        {t('calls.devices.done')}
      </Button>
    </div>
  );
}

/**
 * The call on this device: a grid of tiles that adapts to 1–100 people (pages of 16), the own
 * picture, controls (microphone, camera, screen, devices, people, hang up), the connection's
 * quality; it can be made small to go on using Parta during the call.
 */
export function CallWindow({ call, session, meId, onHangUp, onEndForAll }: { call: TCall; session: CallSession; meId: string; onHangUp: () => void; onEndForAll: () => void }) {
  const { t } = useTranslation();
  const state = useSessionState(session);
  const [minimized, setMinimized] = useState(false);
  const [panel, setPanel] = useState<'none' | 'devices' | 'people'>('none');
  const [failure, setFailure] = useState<string | null>(null);
  const isHost = call.hostId === meId;
  const me = call.participants.find((participant) => participant.person.id === meId);
  const hands = call.participants.filter((participant) => participant.state === 'joined' && participant.handRaisedAt).sort((a, b) => a.handRaisedAt!.localeCompare(b.handRaisedAt!));
  const waiting = call.participants.filter((participant) => participant.state === 'waiting');
  /** Runs a moderation or hand request; a refusal is shown in the window. */
  const act = (request: () => Promise<unknown>) => {
    setFailure(null);
    void request().catch((error: unknown) => setFailure(describeCallError(error, t)));
  };
  const [page, setPage] = useState(0);
  const elapsed = useElapsed(call.answeredAt);
  const titleId = useId();
  const other = call.participants.find((participant) => participant.person.id !== meId);
  const title = call.mode === 'p2p' ? (other?.person.displayName ?? call.title) : call.title;
  const mayEndForAll = isHost && call.mode === 'sfu';
  const status =
    state.status === 'waiting'
      ? t('calls.status.waiting')
      : state.status === 'connected'
      ? elapsed === null
        ? t('calls.status.connected')
        : t('calls.status.inCall', { duration: formatCallDuration(elapsed, t) })
      : call.status === 'ringing' && call.mode === 'p2p'
        ? t('calls.status.ringing')
        : t(`calls.status.${state.status === 'reconnecting' ? 'reconnecting' : 'connecting'}`);

  const tiles = [{ userId: meId, displayName: t('calls.you'), stream: state.localStream, audioMuted: state.micMuted, videoOff: state.cameraOff && !state.screenSharing, self: true }, ...state.remote.map((tile) => ({ ...tile, self: false }))];
  const pages = Math.max(1, Math.ceil(tiles.length / tilesPerPage));
  const shownPage = Math.min(page, pages - 1);
  const shown = tiles.slice(shownPage * tilesPerPage, (shownPage + 1) * tilesPerPage);
  const columns = Math.ceil(Math.sqrt(shown.length));

  if (minimized) {
    return (
      <aside className="call-mini" aria-label={t('calls.window', { name: title })}>
        <span id={titleId} className="call-mini__title">
          {title}
        </span>
        <span className="call-mini__status">{status}</span>
        <Button variant="secondary" onClick={() => setMinimized(false)}>
          {t('calls.controls.expand')}
        </Button>
        <Button variant="secondary" className="button--danger" onClick={onHangUp}>
          {t('calls.controls.hangUp')}
        </Button>
      </aside>
    );
  }

  return (
    <section className="call-window" aria-label={t('calls.window', { name: title })}>
      <header className="call-window__header">
        <div>
          <h2 id={titleId} className="call-window__title">
            {title}
          </h2>
          <p className="call-window__status" aria-live="polite">
            {status}
          </p>
        </div>
        <span className="call-window__quality" title={t(`calls.quality.${state.quality}`)}>
          <span aria-hidden="true">{qualityIcons[state.quality]} </span>
          <span className="visually-hidden">{t(`calls.quality.${state.quality}`)}</span>
        </span>
        <Button variant="quiet" onClick={() => setMinimized(true)}>
          {t('calls.controls.minimize')}
        </Button>
      </header>
      {state.mutedByHost && (
        <p className="call-window__problem" role="status">
          {t('calls.mutedByHost')}
        </p>
      )}
      {failure && (
        <p className="call-window__problem" role="alert">
          {failure}
        </p>
      )}
      {hands.length > 0 && (
        <div className="call-window__hands" role="region" aria-label={t('calls.hands.title')}>
          <span aria-hidden="true">✋ </span>
          <ol className="call-hands">
            {hands.map((participant) => (
              <li key={participant.person.id}>
                {participant.person.displayName}
                {isHost && (
                  <>
                    {' '}
                    <Button variant="quiet" onClick={() => act(() => muteParticipant(call.id, participant.person.id, false))}>
                      {t('calls.host.letSpeak')}
                    </Button>
                    <Button variant="quiet" onClick={() => act(() => setHand(call.id, participant.person.id, false))}>
                      {t('calls.hands.lower')}
                    </Button>
                  </>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
      {isHost && waiting.length > 0 && (
        <div className="call-window__hands" role="region" aria-label={t('calls.waiting.title')}>
          <span>{t('calls.waiting.title')}: </span>
          <ul className="call-hands">
            {waiting.map((participant) => (
              <li key={participant.person.id}>
                {participant.person.displayName}{' '}
                <Button variant="quiet" onClick={() => act(() => admitParticipant(call.id, participant.person.id))}>
                  {t('calls.waiting.admit')}
                </Button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.problem && (
        <p className="call-window__problem" role="alert">
          {t(`calls.problems.${state.problem}`)}
        </p>
      )}
      <ul className="call-grid" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }} aria-label={t('calls.grid', { count: tiles.length })}>
        {shown.map((tile) => (
          <li key={tile.userId} className={`call-tile${tile.self ? ' call-tile--self' : ''}`}>
            {tile.videoOff || !tile.stream ? (
              <div className="call-tile__avatar" aria-hidden="true">
                {tile.displayName.slice(0, 1).toUpperCase()}
              </div>
            ) : null}
            <StreamVideo stream={tile.stream} muted={tile.self} mirrored={tile.self && !state.screenSharing} label={tile.displayName} />
            <span className="call-tile__name">
              {tile.displayName}
              {tile.audioMuted && <span aria-label={t('calls.mutedMark')}> 🔇</span>}
            </span>
          </li>
        ))}
      </ul>
      {pages > 1 && (
        <nav className="call-window__pages" aria-label={t('calls.pages.label')}>
          <Button variant="secondary" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>
            {t('calls.pages.previous')}
          </Button>
          <span>{t('calls.pages.position', { page: shownPage + 1, pages })}</span>
          <Button variant="secondary" disabled={shownPage === pages - 1} onClick={() => setPage(shownPage + 1)}>
            {t('calls.pages.next')}
          </Button>
        </nav>
      )}
      {panel === 'devices' && <DeviceSettings session={session} onClose={() => setPanel('none')} />}
      {panel === 'people' && (
        <div className="call-window__panel" role="group" aria-label={t('calls.people.title')}>
          <h3>{t('calls.people.title')}</h3>
          <ul className="call-people">
            {call.participants.map((participant) => (
              <ParticipantRow key={participant.person.id} participant={participant} call={call} isHost={isHost} meId={meId} act={act} />
            ))}
          </ul>
        </div>
      )}
      <div className="call-window__controls" role="toolbar" aria-label={t('calls.controls.label')}>
        <Button variant="secondary" aria-pressed={state.micMuted} disabled={state.mutedByHost} onClick={() => session.setMicMuted(!state.micMuted)}>
          {state.micMuted ? t('calls.controls.unmute') : t('calls.controls.mute')}
        </Button>
        <Button variant="secondary" aria-pressed={state.cameraOff} onClick={() => session.setCameraOff(!state.cameraOff)}>
          {state.cameraOff ? t('calls.controls.cameraOn') : t('calls.controls.cameraOff')}
        </Button>
        <Button variant="secondary" aria-pressed={state.screenSharing} onClick={() => void session.toggleScreenShare().catch(() => undefined)}>
          {state.screenSharing ? t('calls.controls.stopSharing') : t('calls.controls.shareScreen')}
        </Button>
        {!isHost && me?.state === 'joined' && (
          <Button variant="secondary" aria-pressed={me.handRaisedAt !== null} onClick={() => act(() => setHand(call.id, meId, me.handRaisedAt === null))}>
            <span aria-hidden="true">✋ </span>
            {me.handRaisedAt ? t('calls.hands.lowerMine') : t('calls.hands.raise')}
          </Button>
        )}
        {isHost && call.mode === 'sfu' && (
          <Button variant="secondary" onClick={() => act(() => muteAll(call.id))}>
            {t('calls.host.muteAll')}
          </Button>
        )}
        <Button variant="secondary" aria-expanded={panel === 'devices'} onClick={() => setPanel(panel === 'devices' ? 'none' : 'devices')}>
          {t('calls.controls.devices')}
        </Button>
        <Button variant="secondary" aria-expanded={panel === 'people'} onClick={() => setPanel(panel === 'people' ? 'none' : 'people')}>
          {t('calls.controls.people', { count: call.participants.filter((p) => p.state === 'joined').length })}
        </Button>
        <Button variant="secondary" className="button--danger" onClick={onHangUp}>
          {t('calls.controls.hangUp')}
        </Button>
        {mayEndForAll && (
          <Button variant="secondary" className="button--danger" onClick={onEndForAll}>
            {t('calls.controls.endForAll')}
          </Button>
        )}
      </div>
    </section>
  );
}

/** A participant in the people panel: state, marks, and for the host what they may do. */
function ParticipantRow({ participant, call, isHost, meId, act }: { participant: TCallParticipant; call: TCall; isHost: boolean; meId: string; act: (request: () => Promise<unknown>) => void }) {
  const { t } = useTranslation();
  const id = participant.person.id;
  const present = participant.state === 'joined';
  return (
    <li>
      {participant.person.displayName}
      {' · '}
      {t(`calls.people.state.${participant.state}`)}
      {present && participant.audioMuted && ` · ${t('calls.mutedMark')}`}
      {present && participant.handRaisedAt && ` · ${t('calls.hands.raisedMark')}`}
      {isHost && id !== meId && present && (
        <>
          {' '}
          <Button variant="quiet" onClick={() => act(() => muteParticipant(call.id, id, !participant.mutedByHost))}>
            {participant.mutedByHost ? t('calls.host.letSpeak') : t('calls.host.mute')}
          </Button>
          <Button variant="quiet" onClick={() => act(() => removeParticipant(call.id, id))}>
            {t('calls.host.remove')}
          </Button>
        </>
      )}
      {isHost && participant.state === 'waiting' && (
        <Button variant="quiet" onClick={() => act(() => admitParticipant(call.id, id))}>
          {t('calls.waiting.admit')}
        </Button>
      )}
    </li>
  );
}
