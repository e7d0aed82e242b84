import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_POWER_KW, overSupplyReason } from '../src/index.js';

// The one physical bound every reader of readings applies (history files, raw_power in Kafka).
describe('overSupplyReason', () => {
  it('accepts up to the bound over the interval and names what is above it', () => {
    expect(DEFAULT_MAX_POWER_KW).toBe(100);
    expect(overSupplyReason(100_000 / 60, 60_000)).toBeUndefined(); // exactly 100 kW for a minute
    expect(overSupplyReason(0, 1000)).toBeUndefined();
    expect(overSupplyReason(1700, 60_000)).toBe('wh 1700 in 60 s is 102 kW on average, more than the 100 kW a household supply can deliver (STREAM_SMARTS_MAX_POWER_KW)');
    expect(overSupplyReason(1e12, 60_000)).toMatch(/^wh 1\.00e\+12 in 60 s is 6\.00e\+10 kW/);
    // A smaller supply set by STREAM_SMARTS_MAX_POWER_KW.
    expect(overSupplyReason(250, 60_000, 10)).toMatch(/15 kW on average, more than the 10 kW/);
    expect(overSupplyReason(150, 60_000, 10)).toBeUndefined();
  });
});
