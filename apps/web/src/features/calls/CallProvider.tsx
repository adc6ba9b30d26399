import { ZCallSignal, ZMediaAnswerSignal, ZMediaErrorSignal, ZMediaOfferSignal, type TCall } from '@parta/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { useMe } from '../../platform/session/use-me';
import { describeCallError } from './call-errors';
import { CallSession } from './call-session';
import { CallWindow } from './CallWindow';
import { declineCall, endCall, fetchIceServers, fetchLiveCalls, joinCall, leaveCall, liveCallsQueryKey, startCall, updateCallMedia } from './calls-api';
import { classLessonsPrefix, lessonQueryKey, startLesson as startLessonCall } from './lessons-api';
import { IncomingCall } from './IncomingCall';

type CallsContextValue = {
  /** Calls in progress in the person's chats (a chat shows «Идёт звонок» with a way to join). */
  liveCalls: TCall[];
  /** The call this device is in, if any. */
  active: { call: TCall; session: CallSession } | null;
  start(chatId: string, video: boolean): Promise<void>;
  /** Joins a call in progress (only its id is needed: a lesson's guest knows it from the lesson). */
  join(call: Pick<TCall, 'id'>, video: boolean): Promise<void>;
  /** (A lesson's teacher) starts the lesson from this device, or comes back to it. */
  startLesson(lessonId: string): Promise<void>;
  /** Why the last start/join failed (localized), for the chat to show. */
  error: string | null;
  clearError(): void;
};

const CallsContext = createContext<CallsContextValue | null>(null);

/** The list of live calls with this call as it is now (gone once ended). */
const withCall = (calls: readonly TCall[], call: TCall): TCall[] => {
  const others = calls.filter((candidate) => candidate.id !== call.id);
  return call.status === 'ended' ? others : [...others, call];
};


/**
 * The calls of the signed-in person on this device: rings for incoming calls, holds the one call
 * this device is in (its media session), routes call events and signalling to it, and shows the
 * call window above everything. Lives inside the realtime connection, around the app shell.
 */
export function CallProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const { onEvent, onSignal, onReady, send, getConnectionId } = useRealtime();
  // Call events that arrive while the list is being fetched are newer than its answer: they are
  // applied over it, so a ring that came during a refetch is not lost.
  const fetchesInFlight = useRef(new Set<Map<string, TCall>>());
  const live = useQuery({
    queryKey: liveCallsQueryKey,
    queryFn: async ({ signal }) => {
      const during = new Map<string, TCall>();
      fetchesInFlight.current.add(during);
      try {
        const answer = await fetchLiveCalls(signal);
        return { calls: [...during.values()].reduce(withCall, answer.calls) };
      } finally {
        fetchesInFlight.current.delete(during);
      }
    },
  });
  const [active, setActive] = useState<{ call: TCall; session: CallSession } | null>(null);
  const activeRef = useRef(active);
  activeRef.current = active;
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const setLive = useCallback(
    (call: TCall) => {
      for (const during of fetchesInFlight.current) during.set(call.id, call);
      queryClient.setQueryData<{ calls: TCall[] }>(liveCallsQueryKey, (old) => ({ calls: withCall(old?.calls ?? [], call) }));
    },
    [queryClient],
  );

  const leaveActive = useCallback(() => {
    const current = activeRef.current;
    if (!current) return;
    current.session.close();
    setActive(null);
  }, []);

  /** This device is in `call` now: open the camera and microphone and connect. */
  const enter = useCallback(
    (call: TCall, video: boolean) => {
      activeRef.current?.session.close();
      const session = new CallSession(call, {
        meId: me.id,
        send,
        getUserMedia: (constraints) => navigator.mediaDevices.getUserMedia(constraints),
        getDisplayMedia: () => navigator.mediaDevices.getDisplayMedia({ video: true }),
        createPeerConnection: (configuration) => new RTCPeerConnection(configuration),
        getIceServers: (signal) => fetchIceServers(signal),
        onMediaChange: (media) => void updateCallMedia(call.id, media).catch(() => undefined),
        log: (message, detail) => console.warn(message, detail ?? ''),
      });
      setActive({ call, session });
      setLive(call);
      void session.start(video);
    },
    [me.id, send, setLive],
  );

  const connectionOrThrow = useCallback(() => {
    const connectionId = getConnectionId();
    if (!connectionId) throw new Error('offline');
    return connectionId;
  }, [getConnectionId]);

  const start = useCallback(
    async (chatId: string, video: boolean) => {
      setError(null);
      try {
        const call = await startCall(chatId, video, connectionOrThrow());
        enter(call, video);
      } catch (failure) {
        setError(describeCallError(failure, t));
      }
    },
    [connectionOrThrow, enter, t],
  );

  const join = useCallback(
    async (call: Pick<TCall, 'id'>, video: boolean) => {
      setError(null);
      try {
        enter(await joinCall(call.id, connectionOrThrow()), video);
      } catch (failure) {
        setError(describeCallError(failure, t));
      }
    },
    [connectionOrThrow, enter, t],
  );

  const startLesson = useCallback(
    async (lessonId: string) => {
      setError(null);
      try {
        enter(await startLessonCall(lessonId, connectionOrThrow()), true);
      } catch (failure) {
        setError(describeCallError(failure, t));
      }
    },
    [connectionOrThrow, enter, t],
  );

  // Call events: the live list, the active session, and what to announce.
  useEffect(() => {
    const apply = (call: TCall, started: boolean) => {
      setLive(call);
      // A lesson that began or ended: its page and its class's list say so at once.
      if (call.lessonId && (started || call.status === 'ended')) {
        void queryClient.invalidateQueries({ queryKey: lessonQueryKey(call.lessonId) });
        void queryClient.invalidateQueries({ queryKey: classLessonsPrefix });
      }
      const current = activeRef.current;
      if (current?.call.id !== call.id) return;
      const mine = call.participants.find((participant) => participant.person.id === me.id);
      // Ended, removed, or this person's call moved to another of their devices: this device is out.
      const isHere = (mine?.state === 'joined' || mine?.state === 'waiting') && mine.connectionId === getConnectionId();
      if (call.status === 'ended' || !isHere) {
        if (call.status === 'ended') setAnnouncement(t('calls.announce.ended'));
        else if (mine?.state === 'removed') setAnnouncement(t('calls.announce.removed'));
        leaveActive();
        return;
      }
      const before = new Set(current.call.participants.filter((p) => p.state === 'joined').map((p) => p.person.id));
      const after = call.participants.filter((p) => p.state === 'joined');
      const arrived = after.filter((p) => !before.has(p.person.id) && p.person.id !== me.id);
      const gone = current.call.participants.filter((p) => p.state === 'joined' && !after.some((q) => q.person.id === p.person.id));
      if (arrived[0]) setAnnouncement(t('calls.announce.joined', { name: arrived[0].person.displayName }));
      else if (gone[0]) setAnnouncement(t('calls.announce.left', { name: gone[0].person.displayName }));
      current.session.update(call);
      setActive({ call, session: current.session });
    };
    const offStarted = onEvent('call.started', ({ call }) => apply(call, true));
    const offUpdated = onEvent('call.updated', ({ call }) => apply(call, false));
    return () => {
      offStarted();
      offUpdated();
    };
  }, [onEvent, setLive, me.id, getConnectionId, leaveActive, t, queryClient]);

  // Signalling for the active call.
  useEffect(() => {
    const offs = [
      onSignal('call.signal', ZCallSignal, (data) => void activeRef.current?.session.handleCallSignal(data)),
      onSignal('media.answer', ZMediaAnswerSignal, (data) => void activeRef.current?.session.handleMediaAnswer(data)),
      onSignal('media.offer', ZMediaOfferSignal, (data) => void activeRef.current?.session.handleMediaOffer(data)),
      onSignal('media.error', ZMediaErrorSignal, (data) => activeRef.current?.session.handleMediaError(data)),
    ];
    return () => offs.forEach((off) => off());
  }, [onSignal]);

  // Back after a dropped connection: this device is a new connection; say so to stay in the call.
  useEffect(
    () =>
      onReady(() => {
        void queryClient.invalidateQueries({ queryKey: liveCallsQueryKey });
        const current = activeRef.current;
        const connectionId = getConnectionId();
        if (!current || !connectionId) return;
        const mine = current.call.participants.find((participant) => participant.person.id === me.id);
        if (mine?.connectionId === connectionId) return;
        joinCall(current.call.id, connectionId)
          .then((call) => {
            current.session.update(call);
            current.session.restartMedia();
            setActive({ call, session: current.session });
          })
          .catch(() => leaveActive());
      }),
    [onReady, getConnectionId, queryClient, me.id, leaveActive],
  );

  // Signed out (the provider goes): the camera and microphone are let go.
  useEffect(() => () => activeRef.current?.session.close(), []);

  // Closing the tab hangs up (the server would also notice the socket after its grace period).
  useEffect(() => {
    const onUnload = () => {
      const current = activeRef.current;
      const connectionId = getConnectionId();
      if (current && connectionId) void leaveCall(current.call.id, connectionId).catch(() => undefined);
    };
    window.addEventListener('pagehide', onUnload);
    return () => window.removeEventListener('pagehide', onUnload);
  }, [getConnectionId]);

  const liveCalls = useMemo(() => live.data?.calls ?? [], [live.data]);
  const ringing = liveCalls.find(
    (call) => call.status !== 'ended' && !dismissed.has(call.id) && active?.call.id !== call.id && call.participants.some((participant) => participant.person.id === me.id && participant.state === 'invited'),
  );

  const hangUp = useCallback(async () => {
    const current = activeRef.current;
    if (!current) return;
    const connectionId = getConnectionId();
    leaveActive();
    if (connectionId) await leaveCall(current.call.id, connectionId).catch(() => undefined);
  }, [getConnectionId, leaveActive]);

  const endForAll = useCallback(async () => {
    const current = activeRef.current;
    if (!current) return;
    leaveActive();
    await endCall(current.call.id).catch(() => undefined);
  }, [leaveActive]);

  const value = useMemo(() => ({ liveCalls, active, start, join, startLesson, error, clearError: () => setError(null) }), [liveCalls, active, start, join, startLesson, error]);

  return (
    <CallsContext value={value}>
      {children}
      {ringing && !active && (
        <IncomingCall
          call={ringing}
          onAccept={(video) => void join(ringing, video)}
          onDecline={() => {
            setDismissed((old) => new Set([...old, ringing.id]));
            void declineCall(ringing.id).catch(() => undefined);
          }}
        />
      )}
      {active && <CallWindow call={active.call} session={active.session} meId={me.id} onHangUp={() => void hangUp()} onEndForAll={() => void endForAll()} />}
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </CallsContext>
  );
}

export function useCalls(): CallsContextValue {
  const value = useContext(CallsContext);
  if (!value) throw new Error('useCalls() needs a CallProvider above it');
  return value;
}
