import type { TCall, TCallParticipant } from '@parta/contracts';
import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { Button } from '../../ui/Button';
import type { CallSession, NetworkQuality } from './call-session';
import { formatCallDuration } from '../chats/chat-labels';
import { CallChatPanel } from './CallChatPanel';
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

/** A video of a stream; the own one is muted (no echo) and mirrored; a shared screen is shown whole. */
function StreamVideo({ stream, muted, mirrored, contained, label }: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; contained?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  const className = `call-tile__video${mirrored ? ' call-tile__video--mirrored' : ''}${contained ? ' call-tile__video--contain' : ''}`;
  return <video ref={ref} className={className} autoPlay playsInline muted={muted} aria-label={label} />;
}

type Tile = { userId: string; displayName: string; stream: MediaStream | null; audioMuted: boolean; videoOff: boolean; screenSharing: boolean; self: boolean };

/**
 * The person speaking is on the first page: past it, they change places with the last tile of
 * the first page (only those two move, so the others keep their places).
 */
export function withSpeakerOnFirstPage<T extends { userId: string }>(tiles: readonly T[], speakerId: string | null, perPage: number): readonly T[] {
  const index = speakerId === null ? -1 : tiles.findIndex((tile) => tile.userId === speakerId);
  if (index < perPage) return tiles;
  const moved = [...tiles];
  [moved[perPage - 1], moved[index]] = [moved[index]!, moved[perPage - 1]!];
  return moved;
}

/** One person's picture (or initial) with their name, marks, and an outline while they speak. */
function CallTile({ tile, isSpeaking, isPresenting = false }: { tile: Tile; isSpeaking: boolean; isPresenting?: boolean }) {
  const { t } = useTranslation();
  const classes = ['call-tile', tile.self && 'call-tile--self', isSpeaking && 'call-tile--speaking', isPresenting && 'call-tile--presenting'].filter(Boolean).join(' ');
  const Element = isPresenting ? 'div' : 'li';
  return (
    <Element className={classes} data-speaking={isSpeaking ? 'true' : undefined}>
      {tile.videoOff || !tile.stream ? (
        <div className="call-tile__avatar" aria-hidden="true">
          {tile.displayName.slice(0, 1).toUpperCase()}
        </div>
      ) : null}
      <StreamVideo stream={tile.stream} muted={tile.self} mirrored={tile.self && !tile.screenSharing} contained={isPresenting || tile.screenSharing} label={tile.displayName} />
      <span className="call-tile__name">
        {tile.displayName}
        {tile.audioMuted && <span aria-label={t('calls.mutedMark')}> 🔇</span>}
        {isSpeaking && (
          <>
            <span aria-hidden="true"> 🔊</span>
            <span className="visually-hidden">, {t('calls.speakingMark')}</span>
          </>
        )}
      </span>
    </Element>
  );
}

/** Messages of the call's chat that came from others while its panel was not on screen. */
function useUnreadWhileHidden(chatId: string, meId: string, isShown: boolean) {
  const { onEvent } = useRealtime();
  const [unread, setUnread] = useState(0);
  const isShownRef = useRef(isShown);
  isShownRef.current = isShown;
  useEffect(
    () =>
      onEvent('message.created', ({ message }) => {
        if (message.chatId !== chatId || !message.author || message.author.id === meId || isShownRef.current) return;
        setUnread((count) => count + 1);
      }),
    [onEvent, chatId, meId],
  );
  useEffect(() => {
    if (isShown) setUnread(0);
  }, [isShown]);
  return unread;
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
 * picture, controls (microphone, camera, screen, devices, people, chat, hang up), the connection's
 * quality; it can be made small to go on using Parta during the call. In a group call the person
 * speaking is outlined (and kept on the first page); while someone shows their screen, it is
 * large and the others are in a strip. The call's chat opens beside the video.
 */
export function CallWindow({ call, session, meId, onHangUp, onEndForAll }: { call: TCall; session: CallSession; meId: string; onHangUp: () => void; onEndForAll: () => void }) {
  const { t } = useTranslation();
  const state = useSessionState(session);
  const [minimized, setMinimized] = useState(false);
  const [panel, setPanel] = useState<'none' | 'devices' | 'people'>('none');
  const [isChatOpen, setChatOpen] = useState(false);
  const chatToggleRef = useRef<HTMLButtonElement>(null);
  const chatPanelId = useId();
  const presentationId = useId();
  const unread = useUnreadWhileHidden(call.chatId, meId, isChatOpen && !minimized);
  /** Closing the chat from inside it: the focus goes back to «Чат» (shown again on a phone). */
  const [isReturningFocus, setReturningFocus] = useState(false);
  useEffect(() => {
    if (!isReturningFocus) return;
    chatToggleRef.current?.focus();
    setReturningFocus(false);
  }, [isReturningFocus]);
  const closeChat = () => {
    setChatOpen(false);
    setReturningFocus(true);
  };
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

  const selfTile: Tile = {
    userId: meId,
    displayName: t('calls.you'),
    stream: state.screenStream ?? state.localStream,
    audioMuted: state.micMuted,
    videoOff: state.cameraOff && !state.screenSharing,
    screenSharing: state.screenSharing,
    self: true,
  };
  const tiles: Tile[] = [selfTile, ...state.remote.map((tile) => ({ ...tile, self: false }))];
  // Someone shows their screen: theirs is large, everyone else in a strip (another's screen before one's own).
  const presenter = tiles.find((tile) => !tile.self && tile.screenSharing) ?? (state.screenSharing ? selfTile : null);
  const isSpeaking = (tile: Tile) => call.mode === 'sfu' && state.speaking.includes(tile.userId);
  const rest = withSpeakerOnFirstPage(
    tiles.filter((tile) => tile !== presenter),
    state.dominantSpeaker,
    tilesPerPage,
  );
  const pages = Math.max(1, Math.ceil(rest.length / tilesPerPage));
  const shownPage = Math.min(page, pages - 1);
  const shown = rest.slice(shownPage * tilesPerPage, (shownPage + 1) * tilesPerPage);
  const columns = Math.ceil(Math.sqrt(shown.length));
  const presentingLabel = presenter ? (presenter.self ? t('calls.presentingSelf') : t('calls.presenting', { name: presenter.displayName })) : '';

  if (minimized) {
    return (
      <aside className="call-mini" aria-label={t('calls.window', { name: title })}>
        <span id={titleId} className="call-mini__title">
          {title}
        </span>
        <span className="call-mini__status">{status}</span>
        {unread > 0 && <span className="call-mini__unread">{t('calls.controls.chatUnread', { count: unread })}</span>}
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
    <section className="call-window" data-chat-open={isChatOpen ? 'true' : 'false'} aria-label={t('calls.window', { name: title })}>
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
      <div className="call-window__body">
        <div className="call-window__stage">
          {presenter ? (
            <div className="call-presentation">
              <figure className="call-presentation__main" aria-labelledby={presentationId}>
                <CallTile tile={presenter} isSpeaking={isSpeaking(presenter)} isPresenting />
                <figcaption id={presentationId} className="call-presentation__caption">
                  {presentingLabel}
                </figcaption>
              </figure>
              <ul className="call-strip" aria-label={t('calls.grid', { count: tiles.length })}>
                {shown.map((tile) => (
                  <CallTile key={tile.userId} tile={tile} isSpeaking={isSpeaking(tile)} />
                ))}
              </ul>
            </div>
          ) : (
            <ul className="call-grid" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }} aria-label={t('calls.grid', { count: tiles.length })}>
              {shown.map((tile) => (
                <CallTile key={tile.userId} tile={tile} isSpeaking={isSpeaking(tile)} />
              ))}
            </ul>
          )}
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
            <Button ref={chatToggleRef} variant="secondary" aria-expanded={isChatOpen} aria-controls={isChatOpen ? chatPanelId : undefined} onClick={() => setChatOpen(!isChatOpen)}>
              <span aria-hidden="true">💬 </span>
              {t('calls.controls.chat')}
              {unread > 0 && (
                <>
                  <span className="call-badge" aria-hidden="true">
                    {unread}
                  </span>
                  <span className="visually-hidden">, {t('calls.controls.chatUnread', { count: unread })}</span>
                </>
              )}
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
        </div>
        {isChatOpen && <CallChatPanel id={chatPanelId} chatId={call.chatId} onClose={closeChat} />}
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
