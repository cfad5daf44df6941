import type { HostConversation, HostMember, HostUser } from '../ports/ConversationHost.js';

/** BotUserView (external-service-api.md §2 `origin`, bots.md `GET /bot/users`). */
export const botUserView = (u: HostUser) => ({
  id: u.id,
  name: u.name,
  accent_id: u.accentId,
  handle: u.handle,
  team: u.team,
});

export const memberView = (m: HostMember, domain: string) => ({
  qualified_id: { id: m.id, domain },
  id: m.id,
  conversation_role: m.role,
  status: 0,
  ...(m.service ? { service: { id: m.service.id, provider: m.service.provider } } : {}),
});

/**
 * BotConvView: the conversation id, its name (omitted when none) and members. `first` is listed first
 * (the adding user in NewBotRequest); `exclude` is left out (the bot itself, or the new bot).
 */
export const botConvView = (c: HostConversation, domain: string, opts: { first?: string; exclude?: string } = {}) => {
  const members = c.members.filter((m) => m.id !== opts.exclude);
  const ordered = opts.first
    ? [...members.filter((m) => m.id === opts.first), ...members.filter((m) => m.id !== opts.first)]
    : members;
  return {
    id: c.id,
    ...(c.name !== null ? { name: c.name } : {}),
    members: ordered.map((m) => memberView(m, domain)),
  };
};
