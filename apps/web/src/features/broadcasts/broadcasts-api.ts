import { ZBroadcast, ZListBroadcastsResponse, ZPublicBroadcast, type TCreateBroadcastRequest } from '@parta/contracts';
import { api } from '../../platform/api';

export const broadcastsQueryKey = (organizationId: string) => ['broadcasts', 'organization', organizationId] as const;
export const broadcastQueryKey = (broadcastId: string) => ['broadcasts', 'one', broadcastId] as const;
export const publicBroadcastQueryKey = (token: string) => ['broadcasts', 'public', token] as const;

const broadcastPath = (broadcastId: string) => `/api/broadcasts/${encodeURIComponent(broadcastId)}`;
const organizationBroadcastsPath = (organizationId: string) => `/api/organizations/${encodeURIComponent(organizationId)}/broadcasts`;

export const fetchBroadcasts = (organizationId: string, signal?: AbortSignal) => api.get(organizationBroadcastsPath(organizationId), ZListBroadcastsResponse, { signal });
export const createBroadcast = (organizationId: string, input: TCreateBroadcastRequest) => api.post(organizationBroadcastsPath(organizationId), input, ZBroadcast);
export const fetchBroadcast = (broadcastId: string, signal?: AbortSignal) => api.get(broadcastPath(broadcastId), ZBroadcast, { signal });
export const startBroadcast = (broadcastId: string) => api.post(`${broadcastPath(broadcastId)}/start`, {}, ZBroadcast);
/** Ends a live broadcast for everyone; cancels a scheduled one. */
export const endBroadcast = (broadcastId: string) => api.post(`${broadcastPath(broadcastId)}/end`, {}, ZBroadcast);
/** A new watch link; the old one stops working at once. */
export const renewWatchLink = (broadcastId: string) => api.post(`${broadcastPath(broadcastId)}/link`, {}, ZBroadcast);
export const revokeWatchLink = (broadcastId: string) => api.delete(`${broadcastPath(broadcastId)}/link`, ZBroadcast);
/** What anyone with the watch link sees, signed in or not. */
export const fetchPublicBroadcast = (token: string, signal?: AbortSignal) => api.get(`/api/public/broadcasts/${encodeURIComponent(token)}`, ZPublicBroadcast, { signal });
