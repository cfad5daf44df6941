/** services.md §2: the 31 tags, in the order the API lists them. */
export const SERVICE_TAGS = [
  'audio',
  'books',
  'business',
  'design',
  'education',
  'entertainment',
  'finance',
  'fitness',
  'food-drink',
  'games',
  'graphics',
  'health',
  'integration',
  'lifestyle',
  'media',
  'medical',
  'movies',
  'music',
  'news',
  'photography',
  'poll',
  'productivity',
  'quiz',
  'rating',
  'shopping',
  'social',
  'sports',
  'travel',
  'tutorial',
  'video',
  'weather',
] as const;

export type ServiceTag = (typeof SERVICE_TAGS)[number];

const RANK = new Map<string, number>(SERVICE_TAGS.map((t, i) => [t, i]));

export const isServiceTag = (s: string): s is ServiceTag => RANK.has(s);

/** Distinct tags in list order (the API always returns them so). */
export const sortTags = (tags: readonly ServiceTag[]): ServiceTag[] =>
  [...new Set(tags)].sort((a, b) => RANK.get(a)! - RANK.get(b)!);
