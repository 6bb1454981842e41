import { DataException } from '@sluice/api';
import type { RegisteredSchema, SchemaRegistry } from '../src/index.js';

/**
 * An in-memory stand-in for the registry, for unit tests of the converter's own logic (framing,
 * mapping, caching). The integration tests use the real Schema Registry.
 */
export class MemoryRegistry implements SchemaRegistry {
  readonly schemas: string[] = [];
  readonly subjects = new Map<string, number[]>();
  calls = 0;

  async register(subject: string, schema: string): Promise<number> {
    this.calls++;
    let id = this.schemas.indexOf(schema) + 1;
    if (id === 0) id = this.schemas.push(schema);
    const versions = this.subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.subjects.set(subject, versions);
    return id;
  }

  async lookup(subject: string, schema: string): Promise<RegisteredSchema | null> {
    this.calls++;
    const id = this.schemas.indexOf(schema) + 1;
    const version = (this.subjects.get(subject) ?? []).indexOf(id) + 1;
    return id === 0 || version === 0 ? null : { id, version, schema };
  }

  async schemaById(id: number): Promise<string> {
    this.calls++;
    const schema = this.schemas[id - 1];
    if (schema === undefined) throw new DataException(`Schema ${id} not found`);
    return schema;
  }

  async latest(subject: string): Promise<RegisteredSchema> {
    this.calls++;
    const versions = this.subjects.get(subject) ?? [];
    const id = versions[versions.length - 1];
    if (id === undefined) throw new DataException(`Subject ${subject} not found`);
    return { id, version: versions.length, schema: this.schemas[id - 1] as string };
  }
}
