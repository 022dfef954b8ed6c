import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.ts';
import { isOfficeHours } from './office-hours.ts';

const hours = { opensAtMinute: 9 * 60, closesAtMinute: 17 * 60, timeZone: 'Asia/Shanghai' };

describe('isOfficeHours', () => {
  it.each([
    ['2026-11-27T01:00:00Z', true, 'Friday 09:00, opening time'],
    ['2026-11-27T00:59:00Z', false, 'Friday 08:59'],
    ['2026-11-27T08:59:00Z', true, 'Friday 16:59'],
    ['2026-11-27T09:00:00Z', false, 'Friday 17:00, closing time'],
    ['2026-11-28T02:00:00Z', false, 'Saturday 10:00'],
    ['2026-10-01T02:00:00Z', false, 'National Day 10:00'],
    ['2026-11-26T18:00:00Z', false, 'Friday 02:00 in Shanghai, still Thursday in UTC'],
  ])('%s → %s (%s)', (at, expected) => {
    expect(isOfficeHours(new Date(at), hours)).toBe(expected);
  });
});

describe('VOICE_OFFICE_HOURS and VOICE_TRANSFER_NUMBER', () => {
  it('default to 09:00–17:00 and no transfer number', () => {
    expect(parseConfig({}).voiceLine).toEqual({
      transferNumber: undefined,
      opensAtMinute: 540,
      closesAtMinute: 1020,
    });
  });

  it('read the configured hours and number', () => {
    const config = parseConfig({ VOICE_OFFICE_HOURS: '08:30-18:00', VOICE_TRANSFER_NUMBER: '+862160000099' });
    expect(config.voiceLine).toEqual({
      transferNumber: '+862160000099',
      opensAtMinute: 510,
      closesAtMinute: 1080,
    });
  });

  it.each(['9-17', '09:00-24:00', '17:00-09:00', '09:00'])('refuse %s, naming the variable', (value) => {
    expect(() => parseConfig({ VOICE_OFFICE_HOURS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ VOICE_OFFICE_HOURS: value })).toThrow(/VOICE_OFFICE_HOURS/);
  });
});
