import { randomBytes } from 'node:crypto';
import type { MemberRow } from '@spp/domain';

/** member rows held in all (a few MB): a bound on memory whatever the conversations' sizes */
const MAX_MEMBERS = 50_000;

/**
 * Member lists an instance has read, each under the conversation's `members_tag` at the time. Every membership
 * change sets a new random tag in its own transaction, so an entry is used only while the stored tag still equals
 * its own, whichever instance made the change. A tag is random rather than a counter: a rolled-back change can
 * leave an entry under a tag that no committed state will ever carry again.
 */
export class MemberListCache {
  private readonly lists = new Map<string, { readonly tag: string; readonly members: readonly MemberRow[] }>();
  private held = 0;

  static newTag(): number {
    // 48 random bits: an exact integer on both engines
    return randomBytes(6).readUIntBE(0, 6);
  }

  get(convId: string, tag: string): readonly MemberRow[] | undefined {
    const e = this.lists.get(convId);
    if (!e || e.tag !== tag) return undefined;
    // most recently used last, so the bound evicts the oldest
    this.lists.delete(convId);
    this.lists.set(convId, e);
    return e.members;
  }

  put(convId: string, tag: string, members: readonly MemberRow[]): void {
    this.drop(convId);
    this.lists.set(convId, { tag, members });
    this.held += members.length;
    for (const oldest of this.lists.keys()) {
      if (this.held <= MAX_MEMBERS) break;
      this.drop(oldest);
    }
  }

  private drop(convId: string): void {
    const e = this.lists.get(convId);
    if (!e) return;
    this.lists.delete(convId);
    this.held -= e.members.length;
  }
}
