export { createPeopleService, type PeopleService } from './people.service.ts';
export { registerPeopleRoutes } from './people.routes.ts';
export { toMe, type UserRow, type ContactChannel } from './people.repository.ts';
