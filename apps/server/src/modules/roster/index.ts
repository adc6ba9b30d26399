export { createRosterService, type RosterService } from './roster.service.ts';
export { registerRosterRoutes, rosterBodyTypes } from './roster.routes.ts';
export { maxRosterBytes, maxRosterRows } from './roster.csv.ts';
