export { registerDevOutboxRoutes } from './dev.routes.ts';
