import {
  BuiltinHost,
  CONVERSATION_ACCESS,
  CONVERSATION_ACCESS_ROLES,
  CONVERSATION_ROLES,
  LEGACY_ACCESS_ROLES,
  NOTIFICATION_PAGE,
  TEAM_ROLES,
  accessRoleSet,
  badRequest,
  createConversation,
  createTeam,
  deleteTeam,
  deleteTeamConversation,
  getConversationView,
  isValidPasswordToCheck,
  listNotifications,
  normaliseUuid,
  parseMissingStrategy,
  postOtrMessage,
  renameConversation,
  setTeamMember,
  updateConversationAccess,
  type ClientMismatch,
  type DomainError,
} from '@spp/domain';
import { Effect } from 'effect';
import { z } from 'zod';
import { newOtrMessage, uuid, uuidParam } from '../schemas/common.js';
import { route, type AppContext, type HttpResult, type RouteContext, type RouteDef } from '../types.js';
import { clientParam, singleQuery, userOf } from './userRoutes.js';

const accessList = z.array(z.enum(CONVERSATION_ACCESS));
const roleList = z.array(z.enum(CONVERSATION_ACCESS_ROLES));
const legacyRole = z.enum(Object.keys(LEGACY_ACCESS_ROLES) as [keyof typeof LEGACY_ACCESS_ROLES]);
const accessRoleField = z.union([roleList, legacyRole]);

const teamBody = z.object({ name: z.string() });
const teamMemberBody = z.object({ user: uuid, role: z.enum(TEAM_ROLES) });
const passwordBody = z.object({ password: z.string().refine(isValidPasswordToCheck, 'must be 1..1024 characters') });
const qualifiedUser = z.object({ id: uuid, domain: z.string() });
const newConversationBody = z.object({
  users: z.array(uuid).optional(),
  qualified_users: z.array(qualifiedUser).optional(),
  name: z.string().nullish(),
  team: z.object({ teamid: uuid, managed: z.boolean().optional() }).nullish(),
  access: accessList.optional(),
  access_role: accessRoleField.optional(),
  access_role_v2: roleList.optional(),
  conversation_role: z.enum(CONVERSATION_ROLES).optional(),
  protocol: z.literal('proteus').optional(),
});
const accessBody = z
  .object({ access: accessList, access_role: accessRoleField.optional(), access_role_v2: roleList.optional() })
  .refine((b) => b.access_role !== undefined || b.access_role_v2 !== undefined, {
    message: 'access_role or access_role_v2 is required',
    path: ['access_role'],
  });
const nameBody = z.object({ name: z.string() });

const ok = (body?: unknown): HttpResult => (body === undefined ? { status: 200 } : { status: 200, body });

/** `size` 1..10000 (default 1000), `since` a notification id, `client` a client id */
const notificationQuery = (c: RouteContext<unknown>) => {
  const rawSize = singleQuery(c, 'size');
  const size = rawSize === undefined ? NOTIFICATION_PAGE.default : /^[0-9]{1,6}$/.test(rawSize) ? Number(rawSize) : NaN;
  if (!(size >= NOTIFICATION_PAGE.min && size <= NOTIFICATION_PAGE.max))
    throw badRequest(`size: must be an integer ${NOTIFICATION_PAGE.min}..${NOTIFICATION_PAGE.max}`);
  const rawSince = singleQuery(c, 'since');
  const since = rawSince === undefined ? undefined : normaliseUuid(rawSince);
  if (rawSince !== undefined && since === undefined) throw badRequest('since: must be a notification id');
  const rawClient = singleQuery(c, 'client');
  const client = rawClient === undefined ? undefined : clientParam(rawClient);
  return { size, ...(since !== undefined ? { since } : {}), ...(client !== undefined ? { client } : {}) };
};

const mismatchResult = (r: { status: 201 | 412; mismatch: ClientMismatch }): HttpResult => ({ status: r.status, body: r.mismatch });

/** host.md §3–§7 of the built-in host: teams, conversations, OTR messages, notifications. */
export const hostRoutes = (ctx: AppContext): RouteDef[] => {
  if (!(ctx.host instanceof BuiltinHost)) return [];
  const host = ctx.host;
  const { deps } = ctx;

  const accessRoute = (path: string) =>
    route({
      method: 'PUT',
      path,
      body: accessBody,
      summary: 'Change who may join (access update)',
      handler: (c) =>
        Effect.map(
          updateConversationAccess(
            deps,
            host,
            userOf(c.auth),
            uuidParam(c.params.cid, 'cid'),
            { access: c.body.access, accessRole: c.body.access_role_v2 ?? accessRoleSet(c.body.access_role)! },
            c.params.domain,
          ),
          (event): HttpResult => (event ? { status: 200, body: event } : { status: 204 }),
        ),
    });

  const getRoute = (path: string) =>
    route({
      method: 'GET',
      path,
      summary: 'A conversation the caller belongs to',
      handler: (c) => Effect.map(getConversationView(deps, userOf(c.auth), uuidParam(c.params.cid, 'cid'), c.params.domain), ok),
    });

  return [
    route({
      method: 'POST',
      path: '/teams',
      body: teamBody,
      summary: 'Create a team (the caller becomes owner)',
      handler: (c) => Effect.map(createTeam(deps, userOf(c.auth), c.body.name), (body) => ({ status: 201, body })),
    }),
    route({
      method: 'POST',
      path: '/teams/:tid/members',
      body: teamMemberBody,
      summary: 'Add a team member or change a role',
      handler: (c) => Effect.map(setTeamMember(deps, userOf(c.auth), uuidParam(c.params.tid, 'tid'), c.body.user, c.body.role), ok),
    }),
    route({
      method: 'DELETE',
      path: '/teams/:tid',
      body: passwordBody,
      summary: 'Delete a team (owner, with password)',
      handler: (c) => Effect.as(deleteTeam(deps, userOf(c.auth), uuidParam(c.params.tid, 'tid'), c.body.password), { status: 202 }),
    }),
    route({
      method: 'DELETE',
      path: '/teams/:tid/conversations/:cid',
      summary: 'Delete a team conversation',
      handler: (c) =>
        Effect.as(deleteTeamConversation(deps, host, userOf(c.auth), uuidParam(c.params.tid, 'tid'), uuidParam(c.params.cid, 'cid')), {
          status: 200,
        }),
    }),
    route({
      method: 'POST',
      path: '/conversations',
      body: newConversationBody,
      summary: 'Create a group conversation',
      handler: (c) => {
        const b = c.body;
        const foreign = (b.qualified_users ?? []).find((q) => q.domain !== deps.policy.domain);
        if (foreign) throw badRequest(`qualified_users: unknown user ${foreign.id}`);
        const accessRole = b.access_role_v2 ?? (b.access_role !== undefined ? accessRoleSet(b.access_role) : undefined);
        return Effect.map(
          createConversation(deps, userOf(c.auth), {
            users: [...(b.users ?? []), ...(b.qualified_users ?? []).map((q) => q.id)],
            ...(typeof b.name === 'string' ? { name: b.name } : {}),
            ...(b.team ? { team: b.team.teamid } : {}),
            ...(b.access !== undefined ? { access: b.access } : {}),
            ...(accessRole !== undefined ? { accessRole } : {}),
            ...(b.conversation_role !== undefined ? { conversationRole: b.conversation_role } : {}),
          }),
          (body) => ({ status: 201, body }),
        );
      },
    }),
    getRoute('/conversations/:cid'),
    getRoute('/conversations/:domain/:cid'),
    accessRoute('/conversations/:cid/access'),
    accessRoute('/conversations/:domain/:cid/access'),
    route({
      method: 'PUT',
      path: '/conversations/:cid/name',
      body: nameBody,
      summary: 'Rename a conversation',
      handler: (c) => Effect.map(renameConversation(deps, host, userOf(c.auth), uuidParam(c.params.cid, 'cid'), c.body.name), ok),
    }),
    route({
      method: 'POST',
      path: '/conversations/:cid/otr/messages',
      body: newOtrMessage,
      summary: 'Send an OTR message',
      handler: (c) => {
        const uid = userOf(c.auth);
        const cid = uuidParam(c.params.cid, 'cid');
        const b = c.body;
        return Effect.flatMap(
          parseMissingStrategy(b.report_missing, c.query.ignore_missing, c.query.report_missing),
          (strategy): Effect.Effect<HttpResult, DomainError> =>
            Effect.map(
              postOtrMessage(
                deps,
                host,
                uid,
                cid,
                { sender: b.sender, recipients: b.recipients, transient: b.transient ?? false, ...(b.data !== undefined ? { data: b.data } : {}) },
                strategy,
              ),
              mismatchResult,
            ),
        );
      },
    }),
    route({
      method: 'GET',
      path: '/notifications',
      summary: "The caller's notifications",
      handler: (c) => Effect.map(listNotifications(deps, userOf(c.auth), notificationQuery(c)), (r) => ({ status: r.status, body: r.body })),
    }),
  ];
};
