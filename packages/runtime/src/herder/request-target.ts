import { ConnectException } from '@sluice/api';

/**
 * The request must be served by another worker (Kafka's RequestTargetException): the REST layer
 * forwards it to `forwardUrl`, or answers 409 when it cannot.
 */
export class RequestTargetException extends ConnectException {
  constructor(
    message: string,
    readonly forwardUrl: string | null,
  ) {
    super(message);
    this.name = 'RequestTargetException';
  }
}

/** Only the leader can do this (Kafka's NotLeaderException). */
export class NotLeaderException extends RequestTargetException {
  constructor(message: string, leaderUrl: string | null) {
    super(message, leaderUrl);
    this.name = 'NotLeaderException';
  }
}

/** Another worker runs the connector or task (Kafka's NotAssignedException). */
export class NotAssignedException extends RequestTargetException {
  constructor(message: string, ownerUrl: string | null) {
    super(message, ownerUrl);
    this.name = 'NotAssignedException';
  }
}

/** A rebalance is expected: the answer would be based on stale assignments (409). */
export class RebalanceNeededException extends ConnectException {
  constructor(message = 'Request cannot be completed because a rebalance is expected') {
    super(message);
    this.name = 'RebalanceNeededException';
  }
}
