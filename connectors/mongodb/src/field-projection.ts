import type { Document } from 'mongodb';
import type { ProjectionSettings } from './config.js';
import { isDocument } from './schema-mapping.js';

const SINGLE = '*';
const DOUBLE = '**';

/**
 * Projects a document in place as mongo-kafka's allow-list and block-list projectors do: dotted
 * paths reach into nested documents and into the documents of arrays; `*` matches one level (a
 * trailing `*` a name prefix) and `**` everything below.
 */
export function projector(settings: ProjectionSettings): (doc: Document) => void {
  if (settings.type === 'blocklist') {
    const fields = [...new Set(settings.fields)];
    return (doc) => {
      for (const f of fields) blockProject(f, doc);
    };
  }
  // An allow list keeps the parents of every allowed path too.
  const allowed = new Set<string>();
  for (const f of settings.fields) {
    let entry = f;
    allowed.add(entry);
    while (entry.includes('.')) {
      entry = entry.slice(0, entry.lastIndexOf('.'));
      if (entry !== '') allowed.add(entry);
    }
  }
  return (doc) => allowProject(allowed, '', doc);
}

function allowProject(fields: ReadonlySet<string>, prefix: string, doc: Document): void {
  if (fields.has(DOUBLE)) return;
  for (const [name, value] of Object.entries(doc)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (!fields.has(key) && !wildcardMatch(fields, key)) delete doc[name];
    if (isDocument(value)) {
      if (!fields.has(`${key}.${DOUBLE}`)) allowProject(fields, key, value);
    } else if (Array.isArray(value)) {
      for (const v of value) if (isDocument(v)) allowProject(fields, key, v);
    }
  }
}

function wildcardMatch(fields: ReadonlySet<string>, key: string): boolean {
  for (const f of fields) {
    if (!f.includes('.') && f !== SINGLE && f.endsWith(SINGLE) && key.startsWith(f.slice(0, -1)))
      return true;
  }
  // Every combination of the key's parts with some replaced by `*`.
  const parts = key.split('.');
  for (let mask = (1 << parts.length) - 1; mask >= 0; mask--) {
    const pattern = parts.map((p, i) => ((mask >> (parts.length - 1 - i)) & 1 ? p : SINGLE));
    if (fields.has(pattern.join('.'))) return true;
  }
  return false;
}

function blockProject(field: string, doc: Document): void {
  const dot = field.indexOf('.');
  if (dot < 0) {
    if (field === SINGLE || field === DOUBLE) wildcard(field, '', doc);
    else if (field.endsWith(SINGLE)) {
      const start = field.slice(0, -1);
      for (const name of Object.keys(doc)) if (name.startsWith(start)) delete doc[name];
    } else delete doc[field];
    return;
  }
  const first = field.slice(0, dot);
  const rest = field.slice(dot + 1);
  if (first === SINGLE || first === DOUBLE) {
    wildcard(first, rest, doc);
    return;
  }
  const value = doc[first];
  if (isDocument(value)) blockProject(rest, value);
  else if (Array.isArray(value)) for (const v of value) if (isDocument(v)) blockProject(rest, v);
}

function wildcard(first: string, rest: string, doc: Document): void {
  for (const [name, value] of Object.entries(doc)) {
    if (first === DOUBLE) delete doc[name];
    else if (!isDocument(value)) delete doc[name];
    else if (rest !== '') blockProject(rest, value);
  }
}
