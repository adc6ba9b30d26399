import { z } from 'zod';
import { ZPersonRef } from './school.ts';

// Calls (звонки), PRODUCT.md §7: audio and video calls from a chat. A one-to-one call in a direct
// chat is peer to peer (browsers exchange media directly, Parta relays their offers, answers and
// ICE candidates over the WebSocket); a call in any other chat goes through the media server
// (Janus VideoRoom): each device publishes once and subscribes to the others' feeds, negotiated
// through Parta. docs/subsystems/calls.md.

export const ZCallMode = z.enum(['p2p', 'sfu']);
export type TCallMode = z.infer<typeof ZCallMode>;

export const ZCallStatus = z.enum(['ringing', 'active', 'ended']);
export type TCallStatus = z.infer<typeof ZCallStatus>;

export const ZCallParticipant = z
  .object({
    person: ZPersonRef,
    /**
     * invited: rung, not answered yet; waiting: in a lesson's waiting room until the teacher lets
     * them in; joined: in the call now; left / declined: no longer; removed: the teacher removed
     * them from the lesson (they cannot come back to it).
     */
    state: z.enum(['invited', 'waiting', 'joined', 'left', 'declined', 'removed']),
    /** The first time they joined (null if never). */
    joinedAt: z.iso.datetime().nullable(),
    leftAt: z.iso.datetime().nullable(),
    /** The device of theirs that is in the call (the WebSocket connection that joined); null when not joined. */
    connectionId: z.uuid().nullable(),
    /** Their published media feed on the media server (group calls), null until they publish. */
    feedId: z.number().int().nullable(),
    audioMuted: z.boolean(),
    videoOff: z.boolean(),
    /** Showing their screen (their picture is the screen): the call window shows it large. */
    screenSharing: z.boolean(),
    /** The host muted them: their microphone reaches nobody until the host lets them speak. */
    mutedByHost: z.boolean(),
    /** When they raised their hand (the queue is in this order); null when it is down. */
    handRaisedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'CallParticipant' });
export type TCallParticipant = z.infer<typeof ZCallParticipant>;

export const ZCall = z
  .object({
    id: z.uuid(),
    chatId: z.uuid(),
    chatTitle: z.string(),
    /** What the window shows: the lesson's topic, or the chat's title. */
    title: z.string(),
    /** A call, or a video lesson «урок» (its lesson: `lessonId`). */
    kind: z.enum(['call', 'lesson']),
    lessonId: z.uuid().nullable(),
    /** Who moderates (mutes, removes, lets in, ends for everyone): the lesson's teacher, or whoever started the call. */
    hostId: z.uuid(),
    /** Lessons: newcomers wait until the teacher lets them in. */
    waitingRoom: z.boolean(),
    mode: ZCallMode,
    /** Started as a video call (the callee's ring says «видеозвонок»). */
    video: z.boolean(),
    status: ZCallStatus,
    startedBy: ZPersonRef,
    startedAt: z.iso.datetime(),
    /** When the second person joined (null while ringing). */
    answeredAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    participants: z.array(ZCallParticipant),
  })
  .meta({ id: 'Call' });
export type TCall = z.infer<typeof ZCall>;

/** The device joining: the WebSocket connection id from the gateway's `ready` message. */
const ZConnectionRef = { connectionId: z.uuid() };

export const ZStartCallRequest = z.object({ video: z.boolean(), ...ZConnectionRef }).strict().meta({ id: 'StartCallRequest' });
export type TStartCallRequest = z.infer<typeof ZStartCallRequest>;

export const ZJoinCallRequest = z.object(ZConnectionRef).strict().meta({ id: 'JoinCallRequest' });
export type TJoinCallRequest = z.infer<typeof ZJoinCallRequest>;

export const ZUpdateCallMediaRequest = z
  .object({ audioMuted: z.boolean().optional(), videoOff: z.boolean().optional(), screenSharing: z.boolean().optional() })
  .strict()
  .refine((value) => value.audioMuted !== undefined || value.videoOff !== undefined || value.screenSharing !== undefined, { message: 'audioMuted, videoOff or screenSharing is required' })
  .meta({ id: 'UpdateCallMediaRequest' });
export type TUpdateCallMediaRequest = z.infer<typeof ZUpdateCallMediaRequest>;

/** Raise or lower a hand: one's own, or (the host) lower anyone's. */
export const ZSetHandRequest = z.object({ raised: z.boolean() }).strict().meta({ id: 'SetHandRequest' });
export type TSetHandRequest = z.infer<typeof ZSetHandRequest>;

/** (The host) mute one participant, or let them speak again. */
export const ZMuteParticipantRequest = z.object({ muted: z.boolean() }).strict().meta({ id: 'MuteParticipantRequest' });
export type TMuteParticipantRequest = z.infer<typeof ZMuteParticipantRequest>;

// ---- Video lessons «Новый урок в один клик» ----

export const ZLessonAttendance = z
  .object({
    person: ZPersonRef,
    /** The first time they joined; null if they never did. */
    joinedAt: z.iso.datetime().nullable(),
    /** Time in the lesson over all their joins. */
    seconds: z.number().int().nonnegative(),
  })
  .meta({ id: 'LessonAttendance' });
export type TLessonAttendance = z.infer<typeof ZLessonAttendance>;

export const ZLesson = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    classId: z.uuid(),
    className: z.string(),
    /** The class chat: the lesson's link is posted there, and its attendance when it ends. */
    chatId: z.uuid(),
    title: z.string(),
    teacher: ZPersonRef,
    /** Planned start; null for a lesson started at once. */
    scheduledFor: z.iso.datetime().nullable(),
    waitingRoom: z.boolean(),
    status: z.enum(['scheduled', 'live', 'ended']),
    /** The lesson's call while it is live (and after). */
    callId: z.uuid().nullable(),
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    /** Staff invited besides the class. */
    guests: z.array(ZPersonRef),
    /**
     * Whether the signed-in person may join its call: its teacher, the class chat's members and the
     * invited staff. Other staff of the school see the lesson but do not come in uninvited.
     */
    canJoin: z.boolean(),
    /** Whether the signed-in person is in the class chat (the lesson page links to it only then). */
    inClassChat: z.boolean(),
    /** Who came, when, how long — for the teacher and staff, once it has ended; null otherwise. */
    attendance: z.array(ZLessonAttendance).nullable(),
  })
  .meta({ id: 'Lesson' });
export type TLesson = z.infer<typeof ZLesson>;

export const ZCreateLessonRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** Omit to start at once; otherwise the planned start (ISO date-time, in the future). */
    scheduledFor: z.iso.datetime({ offset: true }).optional(),
    waitingRoom: z.boolean().optional(),
    /** Staff of the school invited besides the class (a colleague, the director). */
    guestIds: z.array(z.uuid()).max(20).optional(),
  })
  .strict()
  .meta({ id: 'CreateLessonRequest' });
export type TCreateLessonRequest = z.infer<typeof ZCreateLessonRequest>;

export const ZListLessonsResponse = z.object({ lessons: z.array(ZLesson) }).meta({ id: 'ListLessonsResponse' });

export const ZListCallsResponse = z.object({ calls: z.array(ZCall) }).meta({ id: 'ListCallsResponse' });
export type TListCallsResponse = z.infer<typeof ZListCallsResponse>;

/**
 * A STUN or TURN server for a browser's RTCPeerConnection `iceServers`. TURN servers carry
 * short-lived credentials (they let a browser on a network that blocks UDP reach the media).
 */
export const ZIceServer = z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() }).meta({ id: 'IceServer' });
export type TIceServer = z.infer<typeof ZIceServer>;

/** The ICE servers configured for this installation (empty: host candidates only); `expiresAt` is when TURN credentials stop working. */
export const ZIceServersResponse = z.object({ iceServers: z.array(ZIceServer), expiresAt: z.iso.datetime().nullable() }).meta({ id: 'IceServersResponse' });
export type TIceServersResponse = z.infer<typeof ZIceServersResponse>;

/** How long a call rings before it counts as missed. */
export const callRingSeconds = 45;

// ---- Signalling over the WebSocket (client → server messages; see realtime.ts) ----

const ZSdp = z.string().min(1).max(60_000);
export const ZIceCandidate = z
  .object({
    candidate: z.string().max(1_000),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(1_000).nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
  })
  .strict();
export type TIceCandidate = z.infer<typeof ZIceCandidate>;

/** One-to-one: an SDP description or an ICE candidate for the other participant (relayed as it is). */
export const ZClientCallSignal = z
  .object({
    type: z.literal('call.signal'),
    callId: z.uuid(),
    to: z.uuid(),
    description: z.object({ type: z.enum(['offer', 'answer']), sdp: ZSdp }).strict().optional(),
    candidate: ZIceCandidate.nullable().optional(),
  })
  .strict();
/** Group: publish this device's media (an offer); the answer comes back as the `media.answer` signal. */
export const ZClientMediaPublish = z.object({ type: z.literal('media.publish'), callId: z.uuid(), sdp: ZSdp }).strict();
/** Group: receive exactly these feeds; the media server's offer comes back as the `media.offer` signal. */
export const ZClientMediaSubscribe = z.object({ type: z.literal('media.subscribe'), callId: z.uuid(), feedIds: z.array(z.number().int().nonnegative()).max(200) }).strict();
/** Group: the device's answer to the latest `media.offer`. */
export const ZClientMediaAnswer = z.object({ type: z.literal('media.answer'), callId: z.uuid(), sdp: ZSdp }).strict();
/** Group: an ICE candidate of the publishing or the subscribing connection (null: gathering finished). */
export const ZClientMediaCandidate = z
  .object({ type: z.literal('media.candidate'), callId: z.uuid(), target: z.enum(['publisher', 'subscriber']), candidate: ZIceCandidate.nullable() })
  .strict();

// ---- Signals to the client (ephemeral `{ type: 'signal' }` frames, to one device) ----

export const ZCallSignal = z.object({
  callId: z.uuid(),
  from: z.uuid(),
  description: z.object({ type: z.enum(['offer', 'answer']), sdp: z.string() }).optional(),
  candidate: ZIceCandidate.nullable().optional(),
});
export type TCallSignal = z.infer<typeof ZCallSignal>;
/** The media server's answer to this device's publish; `feedId` is its feed. */
export const ZMediaAnswerSignal = z.object({ callId: z.uuid(), sdp: z.string(), feedId: z.number().int() });
/** The media server's offer for this device's subscription; `streams` maps each m-line to whose feed it carries. */
export const ZMediaOfferSignal = z.object({
  callId: z.uuid(),
  sdp: z.string(),
  streams: z.array(z.object({ mid: z.string(), feedId: z.number().int(), type: z.enum(['audio', 'video', 'data']) })),
});
/** Something this device asked for failed; `code` is an error code, `message` localized. */
export const ZMediaErrorSignal = z.object({ callId: z.uuid(), code: z.string(), message: z.string() });
