import { AlreadyExistsException, ConfigException, NotFoundException } from '@sluice/api';

/** An error with the HTTP status it answers with (Kafka's ConnectRestException). */
export class RestException extends Error {
  override name = 'RestException';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A 404, 405 or 415 answered before any resource was chosen (no route for the path, the method or
 * the content type). Kafka's Jersey answers these without a Content-Type header; so do we.
 */
export class RoutingException extends RestException {
  override name = 'RoutingException';
}

/** 400 Bad Request (JAX-RS BadRequestException in Kafka). */
export function badRequest(message: string): RestException {
  return new RestException(400, message);
}

/**
 * Kafka's message for a connector config with validation errors
 * (AbstractHerder.maybeAddConfigErrors): the count, one line per error, and where to find them.
 */
export function invalidConfigMessage(messages: readonly string[]): string {
  return [
    `Connector configuration is invalid and contains the following ${messages.length} error(s):`,
    ...messages,
    'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  ].join('\n');
}

/** Kafka's REST error body. */
export interface ErrorBody {
  error_code: number;
  message: string;
}

/**
 * Maps an error to its status and body as Kafka's ConnectExceptionMapper does: not found 404,
 * already exists 409, bad request 400 (an invalid connector config included), anything else 500.
 */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  let status = 500;
  let message = error instanceof Error ? error.message : String(error);
  if (error instanceof RestException) status = error.status;
  else if (error instanceof NotFoundException) status = 404;
  else if (error instanceof AlreadyExistsException) status = 409;
  else if (error instanceof ConfigException) {
    status = 400;
    if (error.problems.length > 0)
      message = invalidConfigMessage(error.problems.map((p) => p.message));
  }
  return { status, body: { error_code: status, message } };
}
