import { open } from 'node:fs/promises';
import {
  ConfigDef,
  type ConnectorProps,
  NonEmptyString,
  SinkConnector,
  type SinkRecord,
  SinkTask,
} from '@sluice/api';

/** The connector's keys (`topics` is the runtime's, as in Kafka Connect). */
export const fileSinkConfigDef = new ConfigDef().define('file', {
  type: 'STRING',
  validator: new NonEmptyString(),
  importance: 'HIGH',
  documentation: 'The file to append one line per record to.',
});

/** Appends each record's value as a line of text, like Kafka's FileStreamSink. */
export class FileSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return '1.0.0';
  }

  start(props: ConnectorProps): void {
    fileSinkConfigDef.parse(props);
    this.props = props;
  }

  taskClass(): typeof FileSinkTask {
    return FileSinkTask;
  }

  taskConfigs(_maxTasks: number): ConnectorProps[] {
    // Tasks writing to one file would interleave their lines: one task.
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return fileSinkConfigDef;
  }
}

export class FileSinkTask extends SinkTask {
  private file = '';
  private pending: string[] = [];

  version(): string {
    return '1.0.0';
  }

  start(props: ConnectorProps): void {
    this.file = fileSinkConfigDef.parse(props).file;
  }

  put(records: SinkRecord[]): void {
    // Only buffer: offsets are committed after flush() made the lines durable.
    for (const record of records) this.pending.push(`${String(record.value)}\n`);
  }

  override async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const handle = await open(this.file, 'a');
    try {
      await handle.appendFile(this.pending.join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.log.debug({ file: this.file, lines: this.pending.length }, 'lines written and synced');
    this.pending = [];
  }

  stop(): void {}
}
