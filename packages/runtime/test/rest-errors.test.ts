import { describe, expect, it } from 'vitest';
import {
  NotAssignedException,
  NotLeaderException,
  RebalanceNeededException,
} from '../src/herder/request-target.js';
import { errorResponse } from '../src/rest/rest-exception.js';

describe("REST answers while a distributed cluster rebalances (Kafka's HerderRequestHandler)", () => {
  it('answers 409 with Kafka’s message when a rebalance is expected', () => {
    expect(errorResponse(new RebalanceNeededException())).toEqual({
      status: 409,
      body: {
        error_code: 409,
        message:
          'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)',
      },
    });
  });

  it('answers 409 when a request for the leader or an owner cannot be forwarded', () => {
    expect(
      errorResponse(new NotLeaderException('Only the leader can set connector configs.', null))
        .body,
    ).toEqual({
      error_code: 409,
      message:
        'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.',
    });
    expect(errorResponse(new NotAssignedException('not here', 'http://w2:8083')).body.message).toBe(
      'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
    );
  });
});
