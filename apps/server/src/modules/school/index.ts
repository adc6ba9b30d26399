export { createSchoolService, staffRoomName, type SchoolService } from './school.service.ts';
export { registerSchoolRoutes } from './school.routes.ts';
