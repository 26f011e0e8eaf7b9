/**
 * Issue 12 item 4: on Slack every text that names a command uses the name registered there (help,
 * hints, errors), and SLACK_COMMAND_PREFIX registers every command with a prefix, in the manifest and
 * the handlers alike. The handlers are the real Bolt app against the local fake Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { buildManifest, renameCommands, slackCommandNamer } from '../../../src/adapters/slack/manifest.ts';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/start.ts';
import type { App } from '../../../src/app.ts';
import { silentLogger } from '../../../src/log.ts';
import { createTestApp } from '../../_app.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack/server.ts';
import { blockActionsBody, FORM, sendSigned, slashCommandBody } from '../../fakes/slack/requests.ts';

const SECRET = 'test-signing-secret-names';
const CHANNEL = 'C0NAMES001';
const names = commands.map((c) => c.name);

describe('renameCommands', () => {
  const plain = slackCommandNamer();
  const tb = slackCommandNamer('tb-');
  it('renames declared commands as whole words only', () => {
    expect(renameCommands('Type /help COMMAND for its options.', names, plain)).toBe('Type /tapebot-help COMMAND for its options.');
    expect(renameCommands('(/help lists them)', names, plain)).toBe('(/tapebot-help lists them)');
    expect(renameCommands('/streak needs two symbols, e.g. /streak IWM SPY', names, tb)).toBe('/tb-streak needs two symbols, e.g. /tb-streak IWM SPY');
    expect(renameCommands('see https://example.com/help and a/help, /helpful, /invite @tapebot', names, tb), 'URLs, paths, other words and other commands stay').toBe('see https://example.com/help and a/help, /helpful, /invite @tapebot');
  });
});

describe('SLACK_COMMAND_PREFIX in the manifest', () => {
  it('registers every command as /tb-<name>, descriptions naming commands as registered', () => {
    const m = buildManifest(commands, { mode: { kind: 'socket' }, prefix: 'tb-' });
    const slash = m.features?.slash_commands ?? [];
    expect(slash.map((c) => c.command)).toEqual(names.map((n) => `/tb-${n}`));
    const help = slash.find((c) => c.command === '/tb-help');
    expect(help?.description, '"/help compare" in the description').toContain('/tb-help compare');
  });
});

describe.each([
  { prefix: undefined, help: '/tapebot-help', streak: '/streak' },
  { prefix: 'tb-', help: '/tb-help', streak: '/tb-streak' },
])('Slack handlers with prefix $prefix', ({ prefix, help, streak }) => {
  let fake: FakeSlack;
  let app: App;
  let slack: SlackAdapter;
  beforeAll(async () => {
    fake = await startFakeSlack();
    app = createTestApp();
    slack = await startSlack({
      config: { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: undefined, ...(prefix ? { SLACK_COMMAND_PREFIX: prefix } : {}) },
      runner: app.runner,
      renderer: app.renderer,
      logger: silentLogger,
      listen: { port: 0, host: '127.0.0.1' },
      retryConfig: { retries: 0 },
    });
  }, 20_000);
  afterAll(async () => {
    await slack?.stop();
    await fake?.close();
    await app?.close();
  });

  const send = (command: string, text: string) =>
    sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command, text, channel_id: CHANNEL, response_url: fake.responseUrl() }) });

  it(`help, registered as ${help}, names every command as registered`, async () => {
    fake.reset();
    const res = await send(help, '');
    expect(res.status).toBe(200);
    const post = await fake.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    const text = JSON.stringify(post.params.blocks);
    expect(text).toContain(`Type ${help} COMMAND`);
    expect(text, 'no bare /help, which opens Slack’s own help').not.toMatch(/[\s(]\/help\b/);
    expect(text, 'the command list names /streak as registered').toMatch(new RegExp(`${streak.replace('/', '\\/')}[* ]`));
  });

  it(`an error names the command as registered (${streak})`, async () => {
    fake.reset();
    await send(streak, 'IWM');
    const reply = await fake.waitFor((c) => c.method === 'response_url', 10_000);
    expect(String(reply.params.text)).toContain(`${streak} needs two symbols, e.g. ${streak} IWM SPY`);
  });

  it('a More click (block_actions) re-runs the answer with its detail and replaces the message with chat.update', async () => {
    if (prefix) return;
    fake.reset();
    await send('/drawdown', 'QQQ asof:2026-01-21');
    const post = await fake.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    await slack.idle();
    type Button = { action_id: string; value: string; text: { text: string } };
    const blocks = post.params.blocks as { type: string; block_id?: string; elements?: Button[] }[];
    const actions = blocks.find((b) => b.type === 'actions');
    const more = actions?.elements?.find((e) => e.text.text === 'More');
    expect(more, 'a More button under an answer with detail').toBeDefined();
    const before = JSON.stringify(blocks);
    const ts = (post.result as { ts: string }).ts;
    await sendSigned(slack.url ?? '', SECRET, {
      contentType: FORM,
      body: blockActionsBody({ channel: CHANNEL, messageTs: ts, blocks: blocks as unknown[], actionId: more?.action_id ?? '', blockId: actions?.block_id ?? '', value: more?.value ?? '', label: 'More', responseUrl: fake.responseUrl() }),
    });
    const update = await fake.waitFor((c) => c.method === 'chat.update', 10_000);
    await slack.idle();
    expect(update.params).toMatchObject({ channel: CHANNEL, ts });
    const after = JSON.stringify(update.params.blocks);
    const ref = await app.runner.runText('/drawdown QQQ asof:2026-01-21');
    if (!ref.ok) throw new Error(ref.error.message);
    const hidden = ref.answer.detail?.[0] ?? '';
    expect(hidden.length).toBeGreaterThan(0);
    const word = (hidden.split('** ')[1] ?? hidden).slice(0, 24);
    expect(before, 'the detail was not shown at first').not.toContain(word);
    expect(after, 'the More click shows it in place').toContain(word);
    expect((update.params.blocks as { type: string; elements?: Button[] }[]).find((b) => b.type === 'actions')?.elements?.some((e) => e.text.text === 'More') ?? false, 'no More once shown').toBe(false);
  });

  it('the unprefixed name is not registered when a prefix is set', async () => {
    if (!prefix) return;
    fake.reset();
    const res = await send('/streak', 'IWM SPY');
    await slack.idle();
    expect(fake.callsTo('chat.postMessage'), `${res.status}: nothing answered /streak`).toEqual([]);
  }, 60_000);
});
