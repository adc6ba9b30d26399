export { createInvitationsService, hashInvitationToken, invalidLink, newInvitationToken, stateOf as invitationState, type InvitationsService } from './invitations.service.ts';
export { registerInvitationRoutes } from './invitations.routes.ts';
