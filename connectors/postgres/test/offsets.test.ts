import { ConnectException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { PostgresSourceConnector } from '../src/index.js';
import { offsetFromPosition, positionFromOffset } from '../src/source-offset.js';

describe('source offsets', () => {
  it('round-trips positions in the JDBC connector offset shape, exactly', () => {
    const position = {
      incrementing: 9223372036854775807n,
      timestamp: { epochSecond: -2, micros: 999999 },
    };
    const offset = offsetFromPosition(position);
    expect(offset).toEqual({
      incrementing: 9223372036854775807n,
      timestamp: -1001,
      timestamp_nanos: 999999000,
    });
    expect(positionFromOffset(offset)).toEqual(position);
    expect(offsetFromPosition({ incrementing: 42n, timestamp: null })).toEqual({
      incrementing: 42,
    });
  });

  it('reads a Java-written offset (millis without nanos, numbers) and a missing one', () => {
    expect(positionFromOffset({ timestamp: 1500 })).toEqual({
      incrementing: null,
      timestamp: { epochSecond: 1, micros: 500000 },
    });
    expect(positionFromOffset({ timestamp: -1500 })).toEqual({
      incrementing: null,
      timestamp: { epochSecond: -2, micros: 500000 },
    });
    expect(positionFromOffset(null)).toEqual({ incrementing: null, timestamp: null });
  });

  it('accepts altered offsets of the JDBC shape and refuses others by name', () => {
    const connector = new PostgresSourceConnector();
    expect(
      connector.alterOffsets({}, [
        { partition: { protocol: '1', table: 'public.orders' }, offset: { incrementing: 10 } },
        { partition: { query: 'query' }, offset: null },
      ]),
    ).toBe(true);
    expect(() =>
      connector.alterOffsets({}, [{ partition: { file: 'x' }, offset: { incrementing: 1 } }]),
    ).toThrow(ConnectException);
    expect(() =>
      connector.alterOffsets({}, [
        { partition: { protocol: '1', table: 'public.orders' }, offset: { position: 3 } },
      ]),
    ).toThrow(/position=3/);
  });
});
