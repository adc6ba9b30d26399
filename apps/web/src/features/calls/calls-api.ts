import { ZCall, ZListCallsResponse, type TUpdateCallMediaRequest } from '@parta/contracts';
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
