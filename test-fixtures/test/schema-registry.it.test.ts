import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { schemaRegistryUrl } from '../src/connection-info.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${schemaRegistryUrl()}${path}`, {
    method,
    headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path}: HTTP ${response.status} ${text}`).toBe(true);
  return JSON.parse(text) as unknown;
}

describe('schema-registry service', () => {
  it('registers an Avro schema under a subject and serves it by id (Confluent API)', async () => {
    const subject = `test-fixtures-${randomUUID()}-value`;
    const schema = JSON.stringify({
      type: 'record',
      name: 'Greeting',
      fields: [{ name: 'text', type: 'string' }],
    });
    const { id } = (await call('POST', `/subjects/${subject}/versions`, { schema })) as {
      id: number;
    };
    expect(id).toBeGreaterThan(0);

    // Listed under its subject (GET /subjects pages at 1000 in Apicurio: a long-lived registry has more).
    expect(await call('GET', `/subjects/${subject}/versions`)).toEqual([1]);
    const byId = (await call('GET', `/schemas/ids/${id}`)) as { schema: string };
    expect(JSON.parse(byId.schema)).toMatchObject({ name: 'Greeting' });
    expect(await call('GET', `/subjects/${subject}/versions/latest`)).toMatchObject({
      subject,
      id,
      version: 1,
    });
  });
});
