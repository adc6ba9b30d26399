export { createInvitationsService, hashInvitationToken, type InvitationsService } from './invitations.service.ts';
export { registerInvitationRoutes } from './invitations.routes.ts';
