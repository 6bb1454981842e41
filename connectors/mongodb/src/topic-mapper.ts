/**
 * mongo-kafka's DefaultTopicMapper: which topic a change event of a namespace goes to, from
 * `topic.namespace.map`, `topic.prefix`, `topic.suffix` and `topic.separator`.
 */
export interface TopicNamespaceMap {
  /** `db.coll` → topic. */
  readonly collections: ReadonlyMap<string, string>;
  /** `db` → topic (collections get `<topic><sep><coll>`). */
  readonly databases: ReadonlyMap<string, string>;
  /** `/regex` → template, in order. */
  readonly regexes: readonly (readonly [RegExp, string])[];
  /** `*` → topic. */
  readonly wildcard: string | null;
}

/** Parses `topic.namespace.map` (a JSON object; pairs with an empty topic are ignored). */
export function parseNamespaceMap(json: string): TopicNamespaceMap {
  const collections = new Map<string, string>();
  const databases = new Map<string, string>();
  const regexes = new Map<string, string>();
  let wildcard: string | null = null;
  if (json.trim() !== '') {
    const parsed = JSON.parse(json) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('expected a JSON object of namespace patterns and topic names');
    for (const [pattern, topic] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof topic !== 'string') throw new Error(`the topic of ${pattern} is not a string`);
      if (pattern === '*') wildcard = topic;
      else if (pattern.startsWith('/')) {
        const template = topic;
        for (const [, name] of template.matchAll(/\{([^}]*)\}/g)) {
          if (!['db', 'sep', 'coll', 'sep_coll', 'coll_sep', 'sep_coll_sep'].includes(name ?? ''))
            throw new Error(`unknown variable {${name}} in the topic name template ${template}`);
        }
        regexes.set(pattern.slice(1), template);
      } else if (pattern.includes('.')) collections.set(pattern, topic);
      else databases.set(pattern, topic);
    }
  }
  const nonEmpty = <K>(m: Map<K, string>) => new Map([...m].filter(([, t]) => t !== ''));
  return {
    collections: nonEmpty(collections),
    databases: nonEmpty(databases),
    regexes: [...nonEmpty(regexes)].map(([r, t]) => [new RegExp(`^(?:${r})$`), t] as const),
    wildcard: wildcard === '' ? null : wildcard,
  };
}

/** Topic names of namespaces, cached. */
export class TopicMapper {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly map: TopicNamespaceMap,
    private readonly prefix: string,
    private readonly suffix: string,
    private readonly separator: string,
  ) {}

  /** The topic of namespace `db` (and `coll`, when the event has one). */
  topic(db: string, coll: string | undefined): string {
    const key = coll === undefined ? db : `${db}.${coll}`;
    let topic = this.cache.get(key);
    if (topic === undefined) {
      topic = this.decorate(this.undecorated(db, coll));
      this.cache.set(key, topic);
    }
    return topic;
  }

  private undecorated(db: string, coll: string | undefined): string {
    const sep = this.separator;
    const ns = coll === undefined ? db : `${db}.${coll}`;
    const exact = coll === undefined ? undefined : this.map.collections.get(ns);
    if (exact !== undefined) return exact;
    const byDb = this.map.databases.get(db);
    if (byDb !== undefined) return coll === undefined ? byDb : `${byDb}${sep}${coll}`;
    for (const [regex, template] of this.map.regexes) {
      if (!regex.test(ns)) continue;
      const c = coll ?? '';
      const vars: Record<string, string> = {
        db,
        sep,
        coll: c,
        sep_coll: c === '' ? '' : `${sep}${c}`,
        coll_sep: c === '' ? '' : `${c}${sep}`,
        sep_coll_sep: c === '' ? '' : `${sep}${c}${sep}`,
      };
      return template.replace(/\{([^}]*)\}/g, (_, name: string) => vars[name] ?? '');
    }
    if (this.map.wildcard !== null) return this.map.wildcard;
    return coll === undefined ? db : `${db}${sep}${coll}`;
  }

  private decorate(topic: string): string {
    const parts = [this.prefix, topic, this.suffix].filter((p) => p !== '');
    return parts.join(this.separator);
  }
}
