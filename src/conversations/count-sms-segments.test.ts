import { describe, expect, it } from 'vitest';
import { countSmsSegments, fitsSegments } from './count-sms-segments.ts';

const NOTICE_57 =
  '【民生议事堂】议题T23加装电梯方案已公示至6月30日，支持请回1，反对请回2，其他意见请直接回复文字。退订回TD';

describe('countSmsSegments', () => {
  it('sends a 57-character Chinese notice as one UCS-2 message', () => {
    expect(NOTICE_57.length).toBe(57);
    expect(countSmsSegments(NOTICE_57)).toEqual({ encoding: 'UCS-2', units: 57, segments: 1 });
  });

  it('fits 70 Chinese characters in one message and needs two for 71', () => {
    expect(countSmsSegments('议'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments('议'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('packs 67 UCS-2 units per part once a message is split', () => {
    expect(countSmsSegments('议'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('议'.repeat(135)).segments).toBe(3);
  });

  it('fits 160 GSM characters in one message and needs two for 161', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('packs 153 GSM characters per part once a message is split', () => {
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts GSM extension characters as two', () => {
    expect(countSmsSegments('€')).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
    expect(countSmsSegments('^{}\\[~]|').units).toBe(16);
    expect(countSmsSegments(`${'a'.repeat(158)}€`)).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(159)}€`).segments).toBe(2);
  });

  it('never splits an escaped character across two parts', () => {
    // 306 units would fill two parts of 153 exactly, but the € cannot straddle the first two.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 });
    expect(countSmsSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments).toBe(2);
  });

  it('keeps accented letters of the GSM alphabet in GSM-7', () => {
    expect(countSmsSegments('Café à Zürich, ¿Señor? £5 @home').encoding).toBe('GSM-7');
  });

  it('switches to UCS-2 for a character outside the GSM alphabet', () => {
    expect(countSmsSegments(`${'a'.repeat(100)}ç`)).toEqual({ encoding: 'UCS-2', units: 101, segments: 2 });
    expect(countSmsSegments('Reply 1 to support, 2 to oppose. 回复TD退订').encoding).toBe('UCS-2');
  });

  it('counts an emoji as two UTF-16 units and never splits it', () => {
    expect(countSmsSegments('👍')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(countSmsSegments(`${'议'.repeat(68)}👍`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments(`${'议'.repeat(69)}👍`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(countSmsSegments(`${'议'.repeat(66)}👍${'议'.repeat(10)}`)).toEqual({
      encoding: 'UCS-2',
      units: 78,
      segments: 2,
    });
    expect(countSmsSegments(`${'议'.repeat(66)}👍${'议'.repeat(66)}`).segments).toBe(3);
  });

  it('needs no message for empty text', () => {
    expect(countSmsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0 });
  });
});

describe('fitsSegments', () => {
  it('says whether a text goes out within the given number of parts', () => {
    expect(fitsSegments(NOTICE_57, 1)).toBe(true);
    expect(fitsSegments('议'.repeat(71), 1)).toBe(false);
    expect(fitsSegments('议'.repeat(71), 2)).toBe(true);
    expect(fitsSegments('a'.repeat(160), 1)).toBe(true);
    expect(fitsSegments('a'.repeat(161), 1)).toBe(false);
  });
});
