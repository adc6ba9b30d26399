import { ZCall, ZIceServersResponse, ZListCallsResponse, type TUpdateCallMediaRequest } from '@parta/contracts';
import { api } from '../../platform/api';

/** Calls in progress in the person's chats: rings after a reload, «Идёт звонок» banners. */
export const liveCallsQueryKey = ['calls', 'live'] as const;

const callPath = (callId: string) => `/api/calls/${encodeURIComponent(callId)}`;

export const fetchLiveCalls = (signal?: AbortSignal) => api.get('/api/calls', ZListCallsResponse, { signal });
export const startCall = (chatId: string, video: boolean, connectionId: string) => api.post(`/api/chats/${encodeURIComponent(chatId)}/calls`, { video, connectionId }, ZCall);
export const joinCall = (callId: string, connectionId: string) => api.post(`${callPath(callId)}/join`, { connectionId }, ZCall);
export const declineCall = (callId: string) => api.post(`${callPath(callId)}/decline`, {}, ZCall);
export const leaveCall = (callId: string, connectionId: string) => api.post(`${callPath(callId)}/leave`, { connectionId }, ZCall);
export const endCall = (callId: string) => api.post(`${callPath(callId)}/end`, {}, ZCall);
export const updateCallMedia = (callId: string, media: TUpdateCallMediaRequest) => api.patch(`${callPath(callId)}/me`, media, ZCall);
/** The STUN/TURN servers for this device's call connections, with short-lived TURN credentials. */
export const fetchIceServers = (signal?: AbortSignal) => api.get('/api/media/ice-servers', ZIceServersResponse, { signal });

const participantPath = (callId: string, userId: string) => `${callPath(callId)}/participants/${encodeURIComponent(userId)}`;
export const setHand = (callId: string, userId: string, raised: boolean) => api.put(`${participantPath(callId, userId)}/hand`, { raised }, ZCall);
export const muteParticipant = (callId: string, userId: string, muted: boolean) => api.post(`${participantPath(callId, userId)}/mute`, { muted }, ZCall);
export const muteAll = (callId: string) => api.post(`${callPath(callId)}/mute-all`, {}, ZCall);
export const removeParticipant = (callId: string, userId: string) => api.post(`${participantPath(callId, userId)}/remove`, {}, ZCall);
export const admitParticipant = (callId: string, userId: string) => api.post(`${participantPath(callId, userId)}/admit`, {}, ZCall);
