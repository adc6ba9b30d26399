import {
  ZAddStudentRequest,
  ZClass,
  ZClassDetail,
  ZCreateClassRequest,
  ZGrantRoleRequest,
  ZLinkChildRequest,
  ZListClassesResponse,
  ZListMembersQuery,
  ZListMembersResponse,
  ZMember,
  ZMoveStudentRequest,
  ZRole,
  ZSetClassTeachersRequest,
  ZUpdateClassRequest,
} from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SchoolService } from './school.service.ts';

const noQuery = z.object({}).strict();
const ZOrg = z.object({ organizationId: z.uuid() }).strict();
const ZOrgClass = z.object({ organizationId: z.uuid(), classId: z.uuid() }).strict();
const ZOrgMember = z.object({ organizationId: z.uuid(), userId: z.uuid() }).strict();
const base = '/api/organizations/:organizationId';

/** Classes, members, roles, verification, movement and families of one organization. */
export function registerSchoolRoutes(app: FastifyInstance, deps: { school: SchoolService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { school } = deps;
  const tags = ['school'];

  r.get(`${base}/classes`, { schema: { summary: 'Classes the caller may see (staff: all; students and parents: their own)', tags, params: ZOrg, querystring: noQuery, response: { 200: ZListClassesResponse } } }, async (request) => ({
    classes: await school.listClasses(request.identity, request.params.organizationId),
  }));

  r.post(`${base}/classes`, { schema: { summary: 'Create a class (administrators)', tags, params: ZOrg, body: ZCreateClassRequest, response: { 201: ZClass } } }, async (request, reply) =>
    reply.code(201).send(await school.createClass(request.identity, request.params.organizationId, request.body)),
  );

  r.get(`${base}/classes/:classId`, { schema: { summary: 'A class with its people', tags, params: ZOrgClass, querystring: noQuery, response: { 200: ZClassDetail } } }, async (request) =>
    school.getClass(request.identity, request.params.organizationId, request.params.classId),
  );

  r.patch(`${base}/classes/:classId`, { schema: { summary: 'Rename a class or change its grade or year (administrators)', tags, params: ZOrgClass, body: ZUpdateClassRequest, response: { 200: ZClass } } }, async (request) =>
    school.updateClass(request.identity, request.params.organizationId, request.params.classId, request.body),
  );

  r.put(`${base}/classes/:classId/class-teachers`, { schema: { summary: 'Set the class teachers (administrators)', tags, params: ZOrgClass, body: ZSetClassTeachersRequest, response: { 200: ZClass } } }, async (request) =>
    school.setClassTeachers(request.identity, request.params.organizationId, request.params.classId, request.body.userIds),
  );

  r.get(`${base}/members`, { schema: { summary: 'People of the organization, with filters (staff)', tags, params: ZOrg, querystring: ZListMembersQuery, response: { 200: ZListMembersResponse } } }, async (request) => ({
    members: await school.listMembers(request.identity, request.params.organizationId, request.query),
  }));

  r.post(`${base}/students`, { schema: { summary: 'Add a student to a class (administrators)', tags, params: ZOrg, body: ZAddStudentRequest, response: { 201: ZMember } } }, async (request, reply) =>
    reply.code(201).send(await school.addStudent(request.identity, request.params.organizationId, request.body)),
  );

  r.get(`${base}/members/:userId`, { schema: { summary: 'One member (contacts only for administrators and oneself)', tags, params: ZOrgMember, querystring: noQuery, response: { 200: ZMember } } }, async (request) =>
    school.getMember(request.identity, request.params.organizationId, request.params.userId),
  );

  r.post(`${base}/members/:userId/roles`, { schema: { summary: 'Give a member a staff role (administrators)', tags, params: ZOrgMember, body: ZGrantRoleRequest, response: { 200: ZMember } } }, async (request) =>
    school.grantRoleByAdmin(request.identity, request.params.organizationId, request.params.userId, request.body.role),
  );

  r.delete(
    `${base}/members/:userId/roles/:role`,
    { schema: { summary: 'End a member’s role: a teacher or student leaves (administrators)', tags, params: ZOrgMember.extend({ role: ZRole }).strict(), querystring: noQuery, response: { 200: ZMember } } },
    async (request) => school.revokeRole(request.identity, request.params.organizationId, request.params.userId, request.params.role),
  );

  r.post(`${base}/members/:userId/verification`, { schema: { summary: 'Confirm a teacher’s status «учитель» (administrators)', tags, params: ZOrgMember, body: z.object({}).strict().nullish(), response: { 200: ZMember } } }, async (request) =>
    school.setTeacherVerified(request.identity, request.params.organizationId, request.params.userId, true),
  );

  r.delete(`${base}/members/:userId/verification`, { schema: { summary: 'Withdraw a teacher’s confirmed status (administrators)', tags, params: ZOrgMember, querystring: noQuery, response: { 200: ZMember } } }, async (request) =>
    school.setTeacherVerified(request.identity, request.params.organizationId, request.params.userId, false),
  );

  r.post(`${base}/members/:userId/movement`, { schema: { summary: 'Transfer a student, or record graduation or leaving (administrators)', tags, params: ZOrgMember, body: ZMoveStudentRequest, response: { 200: ZMember } } }, async (request) =>
    school.moveStudent(request.identity, request.params.organizationId, request.params.userId, request.body),
  );

  r.post(`${base}/members/:userId/children`, { schema: { summary: 'Link a parent to a child (administrators)', tags, params: ZOrgMember, body: ZLinkChildRequest, response: { 200: ZMember } } }, async (request) =>
    school.linkChild(request.identity, request.params.organizationId, request.params.userId, request.body.childId),
  );

  r.delete(
    `${base}/members/:userId/children/:childId`,
    { schema: { summary: 'Remove a parent–child link (administrators)', tags, params: ZOrgMember.extend({ childId: z.uuid() }).strict(), querystring: noQuery, response: { 200: ZMember } } },
    async (request) => school.unlinkChild(request.identity, request.params.organizationId, request.params.userId, request.params.childId),
  );
}
