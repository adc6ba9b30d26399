export { createBroadcastsService, type BroadcastsService } from './broadcasts.service.ts';
export { createBroadcastLive, type BroadcastLive } from './broadcasts.live.ts';
export { registerBroadcastRoutes } from './broadcasts.routes.ts';
