import { ConfigException, ConnectHeaders } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from '../src/index.js';
import { sinkRecord } from './records.js';

describe('predicates', () => {
  it('TopicNameMatches matches the whole topic name', () => {
    const p = new TopicNameMatches();
    p.configure({ pattern: 'ord.*' });
    expect(p.test(sinkRecord({ topic: 'orders' }))).toBe(true);
    expect(p.test(sinkRecord({ topic: 'my-orders' }))).toBe(false);
  });

  it('TopicNameMatches refuses an empty or invalid pattern naming pattern', () => {
    for (const pattern of ['', '[']) {
      try {
        new TopicNameMatches().configure({ pattern });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigException);
        expect((error as ConfigException).key).toBe('pattern');
      }
    }
  });

  it('HasHeaderKey is true when a header with the name exists', () => {
    const p = new HasHeaderKey();
    p.configure({ name: 'trace' });
    const headers = new ConnectHeaders().addString('trace', null).toArray();
    expect(p.test(sinkRecord({ headers }))).toBe(true);
    expect(p.test(sinkRecord({}))).toBe(false);
    expect(() => new HasHeaderKey().configure({})).toThrow(/"name"/);
  });

  it('RecordIsTombstone is true for null values only', () => {
    const p = new RecordIsTombstone();
    p.configure({});
    expect(p.test(sinkRecord({ value: null }))).toBe(true);
    expect(p.test(sinkRecord({ value: 0 }))).toBe(false);
  });
});
