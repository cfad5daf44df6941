import type { Checked } from '../service/fields.js';
import { isServiceTag, sortTags, type ServiceTag } from '../service/tags.js';

export const MAX_TAG_GROUPS = 3;
export const MAX_TAGS_PER_GROUP = 3;

/**
 * `tags=social.quiz,music` = (social AND quiz) OR music: 1..3 `,`-separated groups of 1..3 `.`-joined tags.
 * Groups come back normalised (distinct tags in list order), so equal queries compare equal.
 */
export const parseTagQuery = (text: string): Checked<ServiceTag[][]> => {
  const groups = text.split(',');
  if (groups.length > MAX_TAG_GROUPS) return { ok: false, message: `tags: at most ${MAX_TAG_GROUPS} groups separated by ','` };
  const out: ServiceTag[][] = [];
  for (const g of groups) {
    const tags = g.split('.');
    if (tags.length > MAX_TAGS_PER_GROUP) return { ok: false, message: `tags: at most ${MAX_TAGS_PER_GROUP} tags per group joined by '.'` };
    for (const t of tags) {
      if (t === '') return { ok: false, message: 'tags: empty tag' };
      if (!isServiceTag(t)) return { ok: false, message: `Invalid tag: ${t}` };
    }
    out.push(sortTags(tags as ServiceTag[]));
  }
  return { ok: true, value: out };
};
