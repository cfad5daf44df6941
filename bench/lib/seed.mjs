/**
 * Bulk seeding of a platform SQLite database for the scale scenario: providers, services (+ tag index rows),
 * conversations each with one user (+ client) and `botsPerConv` bots (bot record, bot user, client, last-resort
 * prekey, membership). Rows are copies of template rows the platform itself wrote for a world built over HTTP, with
 * ids, names and keys replaced — so the seed follows the schema as the migrations define it today. Inserted with
 * prepared statements in large transactions, secondary indexes dropped during the load and rebuilt after.
 * The platform must not have the file open.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SERVICE_TAGS } from '@spp/domain';

const ADJ = ['amber', 'bold', 'calm', 'deft', 'eager', 'fair', 'glad', 'hale', 'idle', 'jolly', 'keen', 'lucid', 'merry', 'noble', 'opal', 'proud',
  'quick', 'rapid', 'sage', 'tidy', 'urban', 'vivid', 'witty', 'xenial', 'young', 'zesty', 'brisk', 'crisp', 'dapper', 'elder', 'fleet', 'grand'];
const NOUN = ['otter', 'falcon', 'maple', 'harbor', 'comet', 'meadow', 'quartz', 'canyon', 'ember', 'glacier', 'lantern', 'orchid', 'pebble', 'raven',
  'summit', 'tundra', 'willow', 'zephyr', 'badger', 'cedar', 'delta', 'fjord', 'grove', 'heron', 'island', 'jasper', 'kestrel', 'lagoon', 'mesa',
  'nebula', 'oasis', 'prairie'];

export const SEED_ADJECTIVES = ADJ;

/**
 * Ids for seeded rows: valid random-looking v4 UUIDs whose first 8 hex digits count up, so every primary-key insert
 * appends to its B-tree (a 1 M seed takes a minute instead of several). Lookups during the measurement still go to
 * random pages: the measured bots are a sample spread over the whole set.
 */
function seedIds() {
  let n = 0x10000000;
  let buf = Buffer.alloc(0);
  let off = 0;
  const rand = (bytes) => {
    if (off + bytes > buf.length) {
      buf = randomBytes(65536 * 16);
      off = 0;
    }
    const h = buf.toString('hex', off, off + bytes);
    off += bytes;
    return h;
  };
  let client = 0;
  return {
    uuid: () => {
      const r = rand(12);
      const variant = '89ab'[parseInt(r[7], 16) & 3];
      return `${(n++).toString(16)}-${r.slice(0, 4)}-4${r.slice(4, 7)}-${variant}${r.slice(8, 11)}-${r.slice(11, 23)}`;
    },
    /** non-zero 64-bit client id, 16 hex digits without a leading zero, counting up */
    clientId: () => `a${(client++).toString(16).padStart(15, '0')}`,
  };
}

/**
 * Seeds `bots` bots (botsPerConv per conversation) and `services` services into `file`, using the rows of template
 * entities `tpl = {providerId, serviceId, userId, convId, botId}`. Returns `{sample, seconds, rows}` where `sample`
 * is up to `sampleSize` seeded bots `{botId, convId, providerId}` spread over the whole set.
 */
export function seedDatabase(file, tpl, { bots, services, botsPerConv = 5, sampleSize = 2000, log = () => {} }) {
  const t0 = performance.now();
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000000');
  db.pragma('temp_store = MEMORY');
  const one = (sql, ...p) => {
    const r = db.prepare(sql).get(...p);
    if (!r) throw new Error(`seed template missing: ${sql}`);
    return r;
  };
  const T = {
    provider: one('SELECT * FROM providers WHERE id = ?', tpl.providerId),
    service: one('SELECT * FROM services WHERE id = ?', tpl.serviceId),
    tag: one('SELECT * FROM service_tags WHERE service_id = ? LIMIT 1', tpl.serviceId),
    user: one('SELECT * FROM host_users WHERE id = ?', tpl.userId),
    userClient: one('SELECT * FROM host_clients WHERE user_id = ? LIMIT 1', tpl.userId),
    conv: one('SELECT * FROM host_conversations WHERE id = ?', tpl.convId),
    userMember: one('SELECT * FROM host_members WHERE conv_id = ? AND user_id = ?', tpl.convId, tpl.userId),
    bot: one('SELECT * FROM bots WHERE id = ?', tpl.botId),
    botUser: one('SELECT * FROM host_users WHERE id = ?', tpl.botId),
    botClient: one('SELECT * FROM host_clients WHERE user_id = ?', tpl.botId),
    botPrekey: one('SELECT * FROM host_prekeys WHERE user_id = ? AND id = 65535', tpl.botId),
    botMember: one('SELECT * FROM host_members WHERE conv_id = ? AND user_id = ?', tpl.convId, tpl.botId),
  };
  const tables = ['providers', 'services', 'service_tags', 'host_users', 'host_clients', 'host_prekeys', 'host_conversations', 'host_members', 'bots'];
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`)
    .all(...tables);
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);

  const rows = {};
  const inserter = (table, template) => {
    const cols = Object.keys(template);
    const stmt = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    const base = cols.map((c) => template[c]);
    const pos = new Map(cols.map((c, i) => [c, i]));
    rows[table] ??= 0;
    return (over) => {
      const v = base.slice();
      for (const k in over) v[pos.get(k)] = over[k];
      stmt.run(v);
      rows[table]++;
    };
  };
  const ins = {
    provider: inserter('providers', T.provider),
    service: inserter('services', T.service),
    tag: inserter('service_tags', T.tag),
    user: inserter('host_users', T.user),
    client: inserter('host_clients', T.userClient),
    conv: inserter('host_conversations', T.conv),
    member: inserter('host_members', T.userMember),
    bot: inserter('bots', T.bot),
    botUser: inserter('host_users', T.botUser),
    botClient: inserter('host_clients', T.botClient),
    botMember: inserter('host_members', T.botMember),
    prekey: inserter('host_prekeys', T.botPrekey),
  };
  const now = Date.now();
  const ids = seedIds();
  const randomUUID = ids.uuid;
  const nextClient = ids.clientId;

  const providerIds = [];
  const serviceRefs = [];
  db.transaction(() => {
    const P = Math.max(1, Math.ceil(services / 10));
    for (let i = 0; i < P; i++) {
      const id = randomUUID();
      const email = `seed-provider-${i}@seed.example`;
      ins.provider({ id, email, email_key: email, name: `Seed Provider ${i}`, created_at: now - 1e6 + i });
      providerIds.push(id);
    }
    for (let i = 0; i < services; i++) {
      const id = randomUUID();
      const name = `${ADJ[i % 32]} ${NOUN[(i >> 5) % 32]} ${i}`;
      const nameKey = name.toLowerCase();
      const a = SERVICE_TAGS[i % SERVICE_TAGS.length];
      const b = SERVICE_TAGS[(Math.floor(i / SERVICE_TAGS.length) + 1 + (i % SERVICE_TAGS.length)) % SERVICE_TAGS.length];
      const tags = [...new Set([a, b])].sort();
      const provider = providerIds[i % providerIds.length];
      ins.service({ id, provider_id: provider, name, name_key: nameKey, tags: JSON.stringify(tags), created_at: now - 1e6 + i, updated_at: now - 1e6 + i });
      for (const tag of tags) ins.tag({ tag, name_key: nameKey, service_id: id });
      serviceRefs.push({ id, provider });
    }
  })();
  log(`seeded ${providerIds.length} providers, ${services} services in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const convs = Math.ceil(bots / botsPerConv);
  const every = Math.max(1, Math.floor(bots / sampleSize));
  const sample = [];
  let made = 0;
  const BATCH = 5000;
  for (let c0 = 0; c0 < convs; c0 += BATCH) {
    db.transaction(() => {
      for (let c = c0; c < Math.min(convs, c0 + BATCH); c++) {
        const userId = randomUUID();
        const convId = randomUUID();
        const email = `seed-user-${c}@seed.example`;
        const at = now - 1e6 + c;
        ins.user({ id: userId, name: `User ${c}`, email, email_key: email, created_at: at });
        ins.client({ user_id: userId, id: nextClient(), created_at: at });
        ins.conv({ id: convId, creator: userId, name: `Seed chat ${c}`, created_at: at });
        ins.member({ conv_id: convId, user_id: userId, ord: 1 });
        for (let k = 0; k < botsPerConv && made < bots; k++, made++) {
          const botId = randomUUID();
          const clientId = nextClient();
          const svc = serviceRefs[made % serviceRefs.length];
          ins.bot({ id: botId, client_id: clientId, provider_id: svc.provider, service_id: svc.id, conv_id: convId, created_at: at });
          ins.botUser({ id: botId, service_id: svc.id, service_provider: svc.provider, created_at: at });
          ins.botClient({ user_id: botId, id: clientId, created_at: at });
          ins.prekey({ user_id: botId, client_id: clientId });
          ins.botMember({ conv_id: convId, user_id: botId, ord: k + 2, service_id: svc.id, service_provider: svc.provider });
          if (made % every === 0 && sample.length < sampleSize) sample.push({ botId, convId, providerId: svc.provider });
        }
      }
    })();
    if (((c0 / BATCH) | 0) % 40 === 39) log(`seeded ${made} bots…`);
  }
  const tIdx = performance.now();
  for (const i of indexes) db.exec(i.sql);
  log(`rebuilt ${indexes.length} indexes in ${((performance.now() - tIdx) / 1000).toFixed(1)} s`);
  db.pragma('journal_mode = WAL');
  db.close();
  return { sample, seconds: (performance.now() - t0) / 1000, rows };
}

