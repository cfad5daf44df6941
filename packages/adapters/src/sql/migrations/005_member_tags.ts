import type { Migration } from './Migration.js';

/**
 * A conversation's member list changes rarely and is read on every bot API call and every message: a tag that
 * changes with every membership change lets an instance keep the list it last read (SqlConversationRepo).
 */
export const m005_member_tags: Migration = {
  id: 5,
  name: 'member tags',
  up: ['ALTER TABLE host_conversations ADD COLUMN members_tag BIGINT NOT NULL DEFAULT 0'],
};
