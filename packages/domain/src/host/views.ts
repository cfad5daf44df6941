import type { HostClient, HostConversation, HostMember, HostUser } from '../ports/ConversationHost.js';
import type { ClientRow } from '../ports/store/ClientRepo.js';
import type { ConversationRow, MemberRow } from '../ports/store/ConversationRepo.js';
import type { UserRow } from '../ports/store/UserRepo.js';
import { isoTime } from '../shared/time.js';

const qid = (id: string, domain: string) => ({ id, domain });

/** the port's view of a user; deleted users show as wire shows them (name `default`, nothing else) */
export const hostUserOf = (u: UserRow): HostUser =>
  u.deleted
    ? { id: u.id, name: 'default', accentId: 0, assets: [], handle: null, team: null, locale: u.locale, deleted: true, service: u.service }
    : {
        id: u.id,
        name: u.name,
        accentId: u.accentId,
        assets: u.assets,
        handle: u.handle,
        team: u.team,
        locale: u.locale,
        deleted: false,
        service: u.service,
      };

/** host.md §1 SelfUser */
export const selfUserView = (u: UserRow, domain: string) => ({
  id: u.id,
  qualified_id: qid(u.id, domain),
  name: u.name,
  email: u.email,
  accent_id: u.accentId,
  assets: u.assets,
  locale: u.locale,
  ...(u.handle !== null ? { handle: u.handle } : {}),
  ...(u.team !== null ? { team: u.team } : {}),
});

/** host.md §1 UserProfile: `handle`, `team`, `service`, `deleted` only when set */
export const userProfileView = (u: UserRow, domain: string) => {
  const h = hostUserOf(u);
  return {
    id: h.id,
    qualified_id: qid(h.id, domain),
    name: h.name,
    accent_id: h.accentId,
    assets: h.assets,
    ...(h.handle !== null ? { handle: h.handle } : {}),
    ...(h.team !== null ? { team: h.team } : {}),
    ...(h.service !== null ? { service: { id: h.service.id, provider: h.service.provider } } : {}),
    ...(h.deleted ? { deleted: true } : {}),
  };
};

export const hostClientOf = (c: ClientRow): HostClient => ({ id: c.id, type: c.type, class: c.class, label: c.label, time: c.createdAt });

/** host.md §2 Client */
export const clientView = (c: ClientRow | HostClient) => ({
  id: c.id,
  type: c.type,
  ...(c.class !== null ? { class: c.class } : {}),
  ...(c.label !== null ? { label: c.label } : {}),
  time: isoTime('createdAt' in c ? c.createdAt : c.time),
});

/** host.md §2 PubClient */
export const pubClientView = (c: ClientRow) => ({ id: c.id, ...(c.class !== null ? { class: c.class } : {}) });

export const hostMemberOf = (m: MemberRow): HostMember => ({ id: m.userId, role: m.role, service: m.service });

export const hostConversationOf = (c: ConversationRow, members: readonly MemberRow[]): HostConversation => ({
  id: c.id,
  type: c.type,
  name: c.name,
  team: c.team,
  access: c.access,
  accessRole: c.accessRole,
  members: members.map(hostMemberOf),
});

const memberJson = (m: MemberRow, domain: string) => ({
  qualified_id: qid(m.userId, domain),
  id: m.userId,
  conversation_role: m.role,
  status: 0,
  ...(m.service ? { service: { id: m.service.id, provider: m.service.provider } } : {}),
});

/** host.md §4 Conversation as seen by `viewer` (a member) */
export const conversationView = (c: ConversationRow, members: readonly MemberRow[], viewer: string, domain: string) => {
  const self = members.find((m) => m.userId === viewer);
  return {
    qualified_id: qid(c.id, domain),
    id: c.id,
    type: c.type,
    creator: c.creator,
    name: c.name,
    team: c.team,
    access: c.access,
    access_role: c.accessRole,
    protocol: 'proteus',
    message_timer: null,
    receipt_mode: null,
    members: {
      self: self ? memberJson(self, domain) : null,
      others: members.filter((m) => m.userId !== viewer).map((m) => memberJson(m, domain)),
    },
  };
};
