export { activeRoles, allowAnyone, requireAdministrator, requireMember, requireOperator, requireSignedIn } from './policies.ts';
