/**
 * The short version of every chaos scenario (seconds, a few thousand records): nothing may be
 * lost. Times are printed, never asserted: the machine is shared.
 */
import { describe, expect, it } from 'vitest';
import { SHORT } from '../scenario.js';
import { SCENARIOS } from '../scenarios.js';

describe('chaos (short versions)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: nothing lost`, async () => {
      const result = await scenario.run(SHORT);
      console.log(JSON.stringify(result));
      expect(result.recordsIn).toBeGreaterThan(0);
      expect(result.lost).toBe(0);
    });
  }
});
