export { createCallsService, reconnectGraceMs, type CallsService } from './calls.service.ts';
export { registerCallRoutes } from './calls.routes.ts';
export { createCallSignalling } from './signalling.ts';
export { createLessonsService, type LessonsService } from './lessons.service.ts';
