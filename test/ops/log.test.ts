import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { registerSecret } from '../../src/log.ts';
import { memoryLog } from './_memory-log.ts';

describe('secret masking in logs', () => {
  it('masks a registered secret wherever it appears in a line', () => {
    const token = 'MTIz.fake-discord-token.XyZ_987';
    const awkward = 'p@ss "word"/with?odd&chars';
    registerSecret(token);
    registerSecret(awkward);
    const log = memoryLog();
    const err = new Error(`401 from https://discord.example/api?token=${token}`);
    log.logger.info({ headers: { Authorization: `Bot ${token}` }, nested: { deeper: [token] } }, `login with ${token}`);
    log.logger.error({ err, url: `https://api.example/q?key=${encodeURIComponent(awkward)}`, raw: awkward }, 'request failed');
    expect(log.raw.length).toBe(2);
    for (const line of log.raw) {
      expect(line, 'the token itself never reaches the log').not.toContain(token);
      expect(line, 'nor the awkward one as JSON escapes it').not.toContain(JSON.stringify(awkward).slice(1, -1));
      expect(line, 'nor percent-encoded in a URL').not.toContain(encodeURIComponent(awkward));
      expect(line).toContain('[redacted]');
    }
    const [first, second] = log.records();
    expect(first?.msg, 'the rest of the message survives').toBe('login with [redacted]');
    expect((second?.err as { stack: string }).stack, 'masked inside the error stack too').toMatch(/^Error: 401 from https:\/\/discord\.example\/api\?token=\[redacted\]/);
  });

  it('registers every secret setting at start-up', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-fakefakefake',
      SLACK_SIGNING_SECRET: 'signing-secret-0123456789abcdef',
      SLACK_APP_TOKEN: 'xapp-1-A111-222-fakeapp',
      DISCORD_TOKEN: 'ODk.discord.fake-token-value',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DATA_PROVIDERS: 'bundled,tiingo,polygon,alphavantage',
      TIINGO_API_KEY: 'tiingo-key-123456',
      POLYGON_API_KEY: 'polygon-key-123456',
      ALPHAVANTAGE_API_KEY: 'alpha-key-123456',
    };
    loadConfig(env);
    const log = memoryLog();
    log.logger.warn({ env }, 'dumping the environment by mistake');
    const line = log.raw.join('');
    for (const [name, value] of Object.entries(env)) {
      if (name === 'DISCORD_APPLICATION_ID' || name === 'DATA_PROVIDERS') continue;
      expect(line, `${name} is masked`).not.toContain(value);
    }
    expect(line, 'non-secret settings stay readable').toContain('123456789012345678');
  });
});
