/** The Kafka broker under a standalone worker stops (kill -9) mid-stream and comes back. */
import { startKafkaBroker } from '@sluice/test-fixtures';
import { StandalonePipeline } from '../pipeline.js';
import type { Scenario, Size } from '../scenario.js';
import { caughtUp, figures } from '../tally.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const brokerRestart: Scenario = {
  name: 'Kafka broker kill -9 and restart (file source + file sink)',
  async run(size: Size) {
    // A private broker: the shared one serves every other test meanwhile.
    const broker = await startKafkaBroker();
    let pipeline: StandalonePipeline | null = null;
    let ok = false;
    try {
      pipeline = await StandalonePipeline.start({ brokers: broker.brokers, size });
      await pipeline.flowing();
      await sleep(size.beforeMs);
      await broker.stop('SIGKILL');
      await sleep(size.faultMs);
      await broker.start();
      const recoveryMs = await caughtUp(
        () => (pipeline as StandalonePipeline).read(),
        pipeline.feed.written,
      );
      await pipeline.feed.stop();
      await caughtUp(() => (pipeline as StandalonePipeline).read(), pipeline.feed.written);
      ok = true;
      return {
        scenario: this.name,
        ...figures(await pipeline.read(), pipeline.feed.written),
        recoveryMs,
        notes: `broker down ${size.faultMs / 1000} s`,
      };
    } finally {
      await pipeline?.stop(!ok);
      await broker.stop('SIGKILL');
    }
  },
};
