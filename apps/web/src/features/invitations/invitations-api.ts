import {
  ZAcceptInvitationResponse,
  ZCreatedInvitation,
  ZInvitation,
  ZInvitationPreview,
  ZJoinRequest,
  ZListInvitationsResponse,
  ZListJoinRequestsResponse,
  type TAcceptInvitationRequest,
  type TCreateInvitationRequest,
} from '@parta/contracts';
import { api } from '../../platform/api';
import { organizationDataKey } from '../school/school-api';

export const invitationsQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'invitations'] as const;
export const joinRequestsQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'join-requests'] as const;
/** Per person too: `alreadyMember` depends on who is asking (or nobody). */
export const invitationPreviewQueryKey = (token: string, viewerId: string | null) => ['invitation-preview', token, viewerId] as const;

const organizationPath = (organizationId: string) => `/api/organizations/${encodeURIComponent(organizationId)}`;
const tokenPath = (token: string) => `/api/invitations/${encodeURIComponent(token)}`;

export function fetchInvitations(organizationId: string, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/invitations`, ZListInvitationsResponse, { signal });
}

export function createInvitation(organizationId: string, body: TCreateInvitationRequest) {
  return api.post(`${organizationPath(organizationId)}/invitations`, body, ZCreatedInvitation);
}

export function revokeInvitation(organizationId: string, invitationId: string) {
  return api.post(`${organizationPath(organizationId)}/invitations/${encodeURIComponent(invitationId)}/revoke`, {}, ZInvitation);
}

export function fetchPendingJoinRequests(organizationId: string, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/join-requests?status=pending`, ZListJoinRequestsResponse, { signal });
}

export function decideJoinRequest(organizationId: string, requestId: string, decision: 'accept' | 'decline') {
  return api.post(`${organizationPath(organizationId)}/join-requests/${encodeURIComponent(requestId)}/${decision}`, {}, ZJoinRequest);
}

export function fetchInvitationPreview(token: string, signal?: AbortSignal) {
  return api.get(tokenPath(token), ZInvitationPreview, { signal });
}

export function acceptInvitation(token: string, body: TAcceptInvitationRequest) {
  return api.post(`${tokenPath(token)}/accept`, body, ZAcceptInvitationResponse);
}
