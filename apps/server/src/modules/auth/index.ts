export { createAuthService, signInCodePolicy, sessionPolicy, type AuthService } from './auth.service.ts';
export { installAuthHooks, registerAuthRoutes, defaultAuthRateLimits, type AuthRateLimits } from './auth.routes.ts';
export { normalizeDestination } from './destination.ts';
