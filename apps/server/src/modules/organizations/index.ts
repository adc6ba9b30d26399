export { createOrganizationsService, type OrganizationsService } from './organizations.service.ts';
export { registerOrganizationRoutes } from './organizations.routes.ts';
