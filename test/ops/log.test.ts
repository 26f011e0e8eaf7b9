import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../../src/config.ts';
import { createSecretRegistry, maskingFetch } from '../../src/log.ts';
import { memoryLog } from './_memory-log.ts';

describe('secret masking in logs', () => {
  it('masks a registered secret wherever it appears in a line', () => {
    const token = 'MTIz.fake-discord-token.XyZ_987';
    const awkward = 'p@ss "word"/with?odd&chars';
    const log = memoryLog('debug', createSecretRegistry([token, awkward]));
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

  it('holds only what it was given: another registry’s secrets are not masked here', () => {
    const log = memoryLog('debug', createSecretRegistry(['registry-one-secret-value']));
    log.logger.info({ a: 'registry-one-secret-value', b: 'registry-two-secret-value' }, 'two apps');
    expect(log.raw.join('')).toContain('registry-two-secret-value');
    expect(log.raw.join('')).not.toContain('registry-one-secret-value');
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
    const log = memoryLog('debug', configSecrets(loadConfig(env)));
    log.logger.warn({ env }, 'dumping the environment by mistake');
    const line = log.raw.join('');
    for (const [name, value] of Object.entries(env)) {
      if (name === 'DISCORD_APPLICATION_ID' || name === 'DATA_PROVIDERS') continue;
      expect(line, `${name} is masked`).not.toContain(value);
    }
    expect(line, 'non-secret settings stay readable').toContain('123456789012345678');
  });
});

describe('maskingFetch: the second wall on what leaves for a chat platform', () => {
  const key = 'provider-key-for-egress-42';
  const secrets = createSecretRegistry([key]);
  async function sent(body: RequestInit['body']): Promise<{ body: string; auth: string | null }> {
    let seen: { body: string; auth: string | null } = { body: '', auth: null };
    const inner = (async (_u: unknown, init?: RequestInit) => {
      const b = init?.body;
      const text = b instanceof FormData ? JSON.stringify([...b].map(([k, v]) => [k, typeof v === 'string' ? v : `file:${v.name}`])) : String(b);
      seen = { body: text, auth: new Headers(init?.headers).get('authorization') };
      return new Response('{}');
    }) as typeof fetch;
    await maskingFetch(secrets, inner)('http://chat.example/api', { method: 'POST', headers: { authorization: `Bearer ${key}` }, ...(body !== undefined ? { body } : {}) });
    return seen;
  }

  it('masks a JSON body, a form body value by value, and FormData text and file names; headers travel as they are', async () => {
    const json = await sent(JSON.stringify({ content: `oops ${key}` }));
    expect(json.body).toBe('{"content":"oops [redacted]"}');
    expect(json.auth, 'the credential itself is not touched').toBe(`Bearer ${key}`);

    const form = await sent(new URLSearchParams({ channel: 'C1', text: `a ${key} b`, token: key }).toString());
    const params = new URLSearchParams(form.body);
    expect(params.get('text')).toBe('a [redacted] b');
    expect(params.get('token'), "Slack's auth.test reads its token from the form").toBe(key);

    const fd = new FormData();
    fd.append('payload_json', JSON.stringify({ content: key }));
    fd.append('files[0]', new Blob([new Uint8Array([1, 2, 3])]), `chart-${key}.png`);
    const multi = await sent(fd);
    expect(multi.body).not.toContain(key);
    expect(multi.body).toContain('file:chart-[redacted].png');
  });
});
