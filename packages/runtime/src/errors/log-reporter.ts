import type { Logger } from '../logging/logger.js';
import { stringifyOffsetJson } from '../storage/offset-json.js';
import type { ErrorReporter, ProcessingContext } from './processing-context.js';
import type { ErrorCounters } from './retry-with-tolerance-operator.js';

function bytesPreview(bytes: Uint8Array | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'null';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** `errors.log.enable=true`: one error line per failure, with the record when `errors.log.include.messages=true`. */
export class LogReporter implements ErrorReporter {
  /** Also used for failures that stop the task, so the record at fault is in the log. */
  readonly logOnly = true;

  constructor(
    private readonly log: Logger,
    private readonly taskName: string,
    private readonly includeMessages: boolean,
    private readonly counters: Pick<ErrorCounters, 'errorsLogged'> = { errorsLogged: 0 },
  ) {}

  async report(context: ProcessingContext): Promise<void> {
    let where = '';
    const c = context.consumerRecord;
    const s = context.sourceRecord;
    if (c) {
      where = `, where consumed record is {topic='${c.topic}', partition=${c.partition}, offset=${c.offset}, timestamp=${c.timestamp}, timestampType=${c.timestampType}`;
      if (this.includeMessages)
        where += `, key=${bytesPreview(c.key)}, value=${bytesPreview(c.value)}`;
      where += '}';
    } else if (s) {
      where = `, where source record is {topic='${s.topic}', partition=${stringifyOffsetJson(s.sourcePartition)}, offset=${stringifyOffsetJson(s.sourceOffset)}`;
      if (this.includeMessages) where += `, record=${s.describe()}`;
      where += '}';
    }
    this.counters.errorsLogged++;
    this.log.error(
      { err: context.error, stage: context.stage, attempts: context.attempts },
      `Error encountered in task ${this.taskName}. Executing stage '${context.stage}' with class '${context.executingClass}'${where}.`,
    );
  }

  async close(): Promise<void> {}
}
