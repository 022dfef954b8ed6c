import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');
const SID = `AC${'a'.repeat(32)}`;

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.variable);
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('runs embedded with nothing configured', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.defaultLocale).toBe('zh-CN');
    expect(config.twilio).toBeUndefined();
    expect(config.demoData).toBe(true);
  });

  it('names every invalid variable', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT']);
    expect(problems({ TZ: 'Mars/Olympus' })).toEqual(['TZ']);
    expect(problems({ DEFAULT_LOCALE: 'fr' })).toEqual(['DEFAULT_LOCALE']);
    expect(problems({ REDIS_URL: 'not a url' })).toEqual(['REDIS_URL']);
    expect(problems({ DATABASE_URL: 'mysql://db/x' }).sort()).toEqual(['DATABASE_URL', 'PII_KEY']);
    expect(problems({ TWILIO_ACCOUNT_SID: 'nope' })).toContain('TWILIO_ACCOUNT_SID');
    expect(problems({ TWILIO_ACCOUNT_SID: SID })).toEqual(['TWILIO_AUTH_TOKEN']);
    expect(problems({ PII_KEY: 'short' })).toEqual(['PII_KEY']);
  });

  it('requires PII_KEY with PostgreSQL', () => {
    expect(problems({ DATABASE_URL: 'postgres://db/x' })).toEqual(['PII_KEY']);
    expect(parseConfig({ DATABASE_URL: 'postgres://db/x', PII_KEY: KEY }).database.kind).toBe('postgres');
  });

  it('treats empty variables as unset', () => {
    const config = parseConfig({ DATABASE_URL: '', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
    expect(config.database.kind).toBe('pglite');
    expect(config.twilio).toBeUndefined();
  });

  it('loads demo data only embedded, and not where messages would really be sent unless asked', () => {
    expect(parseConfig({ DEMO_DATA: 'off' }).demoData).toBe(false);
    expect(parseConfig({ DATABASE_URL: 'postgres://db/x', PII_KEY: KEY, DEMO_DATA: 'on' }).demoData).toBe(
      false,
    );
    const twilio = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret' };
    expect(parseConfig(twilio).demoData).toBe(false);
    expect(parseConfig({ ...twilio, DEMO_DATA: 'on' }).demoData).toBe(true);
  });

  it('strips a trailing slash from the public base URL and marks cookies secure behind https', () => {
    const config = parseConfig({ PUBLIC_BASE_URL: 'https://hall.example.org/' });
    expect(config.publicBaseUrl).toBe('https://hall.example.org');
    expect(config.cookieSecure).toBe(true);
    expect(parseConfig({}).cookieSecure).toBe(false);
  });
});
