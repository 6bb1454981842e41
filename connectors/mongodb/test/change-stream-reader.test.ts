import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isChangeStreamUnsupported, isLostResumeToken } from '../src/change-stream-reader.js';

const server = (code: number, errmsg: string) => new MongoServerError({ code, errmsg });

describe('change stream errors', () => {
  it('recognises a resume token the server no longer has, by code or by message', () => {
    expect(isLostResumeToken(server(286, 'Error on remote shard'))).toBe(true); // ChangeStreamHistoryLost
    expect(isLostResumeToken(server(260, 'x'))).toBe(true); // InvalidResumeToken
    expect(isLostResumeToken(server(280, 'x'))).toBe(true); // ChangeStreamFatalError
    expect(
      isLostResumeToken(
        server(
          136,
          'Executor error: CappedPositionLost: resume of change stream was not possible, as the resume point may no longer be in the oplog.',
        ),
      ),
    ).toBe(true);
    expect(isLostResumeToken(server(11000, 'E11000 duplicate key'))).toBe(false);
    expect(isLostResumeToken(new MongoNetworkError('connection reset'))).toBe(false);
    expect(isLostResumeToken(new Error('resume token not found'))).toBe(false);
  });

  it('recognises a server without change streams', () => {
    expect(
      isChangeStreamUnsupported(
        server(238, '`aggregate` stage "$changeStream" is not implemented yet'),
      ),
    ).toBe(true);
    expect(
      isChangeStreamUnsupported(
        server(40573, 'The $changeStream stage is only supported on replica sets'),
      ),
    ).toBe(true);
    expect(isChangeStreamUnsupported(server(13, 'not authorized'))).toBe(false);
  });
});
