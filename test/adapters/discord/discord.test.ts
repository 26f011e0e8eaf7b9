/**
 * The Discord adapter end to end: the real discord.js client, the real app (bundled prices, charts
 * drawn for real), and a fake Discord (test/fakes/discord/server.ts) that records what crosses the
 * wire. Assertions are about those requests: their order, timing and payloads.
 */
import { Writable } from 'node:stream';
// As in production, Slack's SDK shares the process: loading it is what breaks discord.js file uploads
// inside undici ("action is not a function") unless the client uses Node's own fetch (client.ts).
// Without that workaround the chart uploads below never arrive.
import '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands as declared } from '../../../commands/index.ts';
import { startDiscord, type DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import { STALE_BUTTON_TEXT } from '../../../src/adapters/discord/interactions.ts';
import { runRegister } from '../../../src/adapters/discord/register-cli.ts';
import { CHART_FAILED_NOTE } from '../../../src/adapters/discord/reply.ts';
import { decodeRerun } from '../../../src/adapters/rerun.ts';
import { emptyAnswer } from '../../../src/answer/build.ts';
import type { App } from '../../../src/app.ts';
import type { ChartRenderer } from '../../../src/charts/renderer.ts';
import { defineCommand } from '../../../src/command/define.ts';
import { createLogger } from '../../../src/log.ts';
import { CALLBACK_TYPE, FakeDiscord, MESSAGE_FLAGS, pngSize, type DispatchedInteraction, type RecordedRequest } from '../../fakes/discord/server.ts';
import { createTestApp } from '../../_app.ts';

/** A command that only this test declares: the adapter must handle it with no change anywhere. */
const boom = defineCommand({
  name: 'boom',
  description: 'Fails on purpose (test only)',
  usesMarketData: false,
  options: {},
  examples: ['/boom'],
  async run() {
    throw new Error('kaboom in /srv/tapebot/secret.ts:42');
  },
});
/** A command that answers only when the test opens its gate: shows what happens while a command works. */
let openGate: () => void = () => undefined;
const gated = defineCommand({
  name: 'gated',
  description: 'Waits for the test (test only)',
  usesMarketData: false,
  options: {},
  examples: ['/gated'],
  async run() {
    await new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const a = emptyAnswer('gated', 'Gate opened', null, null);
    a.lines.push('Done.');
    return a;
  },
});
const commands = [...declared, boom, gated];

type Embed = { title?: string; description?: string; footer?: { text: string }; image?: { url: string }; fields?: { name: string; value: string }[] };
type Button = { type: number; style: number; label: string; custom_id: string; disabled?: boolean };
type MessageBody = { content?: string; flags?: number; embeds?: Embed[]; components?: { type: number; components: Button[] }[]; attachments?: { id: string; description?: string }[] };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let fake: FakeDiscord;
let app: App;
let adapter: DiscordAdapter;
const logLines: Record<string, unknown>[] = [];
/** When set, every chart fails to draw (the renderer's failure path). */
let renderersDown = false;
let renderer: ChartRenderer;

async function start(): Promise<DiscordAdapter> {
  return startDiscord({ config: app.config, runner: app.runner, renderer, logger: app.logger, symbols: app.symbols });
}

const isCallback = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/interactions/${d.id}/${d.token}/callback`;
const isEdit = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${d.token}/messages/@original`;
const isFollowUp = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/webhooks/${fake.applicationId}/${d.token}`;
const isDelete = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'DELETE' && r.path === `/webhooks/${fake.applicationId}/${d.token}/messages/@original`;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl };
  // Charts draw in worker threads, as in production: the adapter's event loop stays free for acknowledgements.
  app = createTestApp({ commands, logger: createLogger({ level: 'info', destination: sink }) }, { ...env, RENDER_THREADS: '2' });
  renderer = {
    name: 'switchable',
    render: (spec) => (renderersDown ? Promise.reject(new Error('canvas exploded')) : app.renderer.render(spec)),
    close: () => Promise.resolve(),
  };
  // `npm run register`'s code path, into the fake's test server (instant guild registration).
  const out: string[] = [];
  const code = await runRegister({ env: { ...env, DISCORD_GUILD_ID: fake.guildId }, args: [], commands, out: (l) => out.push(l), err: (l) => out.push(l) });
  if (code !== 0) throw new Error(`registration failed: ${out.join('\n')}`);
  adapter = await start();
}, 30_000);

afterAll(async () => {
  await adapter?.stop(1000);
  await app?.close();
  await fake?.close();
});

describe('registration (npm run register) against the fake Discord', () => {
  it('put every declared command into the test server, authorised with the bot token', () => {
    const put = fake.requests.find((r) => r.method === 'PUT');
    expect(put?.path, 'guild route when DISCORD_GUILD_ID is set').toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(put?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(fake.registered.get(fake.guildId)?.map((c) => c.name), 'commands/index.ts plus the test-only /boom').toEqual(commands.map((c) => c.name));
    expect(fake.problems, 'the fake validates option order, lengths and names as Discord does').toEqual([]);
  });

  it('registers globally without DISCORD_GUILD_ID', async () => {
    const out: string[] = [];
    const code = await runRegister({ env: { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl }, args: [], commands: declared, out: (l) => out.push(l) });
    expect(code).toBe(0);
    expect(fake.registered.get('global')?.map((c) => c.name)).toEqual(declared.map((c) => c.name));
    expect(out[0], 'says where the commands went').toMatch(new RegExp(`^Registered ${declared.length} commands globally`));
  });

  it('clears one scope with --clear, leaving the other', async () => {
    const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl };
    const saved = fake.registered.get('global');
    expect(await runRegister({ env, args: ['--clear'], out: () => undefined })).toBe(0);
    expect(fake.registered.get('global'), 'global list emptied').toEqual([]);
    expect(fake.registered.get(fake.guildId)?.length, 'the test server keeps its commands').toBe(commands.length);
    expect(await runRegister({ env, args: ['--force'], err: () => undefined, out: () => undefined }), 'unknown argument').toBe(2);
    if (saved) fake.registered.set('global', saved);
  });

  it('says what is missing when the credentials are not set, and touches nothing', async () => {
    const err: string[] = [];
    const before = fake.requests.length;
    expect(await runRegister({ env: {}, args: [], err: (l) => err.push(l), out: () => undefined })).toBe(2);
    expect(err.join(' ')).toMatch(/DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
    expect(fake.requests.length).toBe(before);
  });
});

describe('the gateway session', () => {
  it('refuses to start with a token Discord rejects, saying so', async () => {
    const bad = { ...app.config, DISCORD_TOKEN: 'not-the-token' };
    await expect(startDiscord({ config: bad, runner: app.runner, renderer, logger: app.logger, symbols: app.symbols })).rejects.toThrow(/token/i);
  });

  it('identified with only the non-privileged Guilds, GuildMessages and DirectMessages intents', () => {
    const identify = fake.gateway.find((f) => f.direction === 'received' && f.op === 2);
    const intents = (identify?.d as { intents: number }).intents;
    // Gateway intents (Discord docs): GUILDS = 1 << 0, GUILD_MESSAGES = 1 << 9, DIRECT_MESSAGES = 1 << 12 (questions, mentions.test.ts).
    expect(intents, 'GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES').toBe((1 << 0) | (1 << 9) | (1 << 12));
    expect(adapter.client.user.id).toBe(fake.botUser.id);
  });
});

describe('a slash command', () => {
  let d: DispatchedInteraction;
  let edit: RecordedRequest;

  beforeAll(async () => {
    d = fake.dispatchInteraction(fake.chatInput('rotation', { period: '3m' }));
    edit = await fake.waitForRequest(isEdit(d), 20_000);
  }, 30_000);

  it('is acknowledged with a deferred reply at once, before the answer', () => {
    const ack = fake.requests.find(isCallback(d));
    expect((ack?.json as { type: number }).type, 'DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE').toBe(CALLBACK_TYPE.DeferredChannelMessage);
    expect(ack?.status).toBe(204);
    const ms = (ack?.at ?? Infinity) - d.dispatchedAt;
    // Discord's deadline is 3 s (how fast it comes is measured in bench/discord.bench.ts).
    expect(ms, `defer arrived ${ms.toFixed(1)} ms after dispatch`).toBeLessThan(3000);
    expect(ack?.at ?? Infinity, 'the defer comes before the final edit').toBeLessThan(edit.at);
  });

  it('edits the deferred reply into an embed with the chart attached as a real PNG', async () => {
    const expected = await app.runner.run({ name: 'rotation', args: { words: [], named: { period: '3m' } } });
    if (!expected.ok) throw new Error('the runner could not answer /rotation 3m');
    const body = edit.json as MessageBody;
    const [file] = edit.files;
    expect(edit.multipart, 'files go as multipart/form-data').toBe(true);
    expect(file?.field).toBe('files[0]');
    expect(file?.data.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
    expect(pngSize(file?.data ?? Buffer.alloc(0))?.width, 'a drawn chart, not a placeholder').toBeGreaterThan(300);
    const [embed] = body.embeds ?? [];
    expect(embed?.title).toBe(expected.answer.title);
    expect(embed?.description, 'the answer’s lines, **bold** as Discord markdown').toBe(expected.answer.lines.join('\n'));
    expect(embed?.description).toContain('**');
    expect(embed?.footer?.text).toMatch(/^Source: bundled daily prices .* · as of the close of [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expect(embed?.image?.url, 'the chart shows inside the embed').toBe(`attachment://${file?.filename}`);
    expect(body.attachments?.[0]?.description, 'alt text').toBe(expected.answer.charts[0]?.altText);
    expect(body.attachments?.[0]?.description?.length).toBeGreaterThan(20);
  });

  it('offers the period buttons, the current period highlighted', () => {
    const buttons = (edit.json as MessageBody).components?.[0]?.components ?? [];
    expect(buttons.map((b) => b.label)).toEqual(['1M', '3M', 'YTD', '1Y']);
    expect(buttons.find((b) => b.label === '3M'), 'current: primary and disabled').toMatchObject({ style: 1, disabled: true });
    expect(decodeRerun(buttons.find((b) => b.label === '1Y')?.custom_id ?? '')?.args.named.period, 'each button carries its period').toBe('1y');
  });

  it('is public: the message everyone sees is the answer, no longer loading', () => {
    const msg = fake.original(d);
    expect(msg?.deleted).toBeUndefined();
    expect(msg?.flags, 'neither EPHEMERAL nor LOADING').toBe(0);
    expect(msg?.embeds[0]?.image?.url, 'Discord resolved attachment:// to the upload').toMatch(/^https:\/\/cdn\.discordapp\.com\/attachments\//);
  });

  describe('a period button', () => {
    let click: DispatchedInteraction;
    let clickEdit: RecordedRequest;

    beforeAll(async () => {
      const msg = fake.original(d);
      const buttons = (msg?.components?.[0] as { components: Button[] } | undefined)?.components ?? [];
      const oneYear = buttons.find((b) => b.label === '1Y');
      click = fake.dispatchInteraction(fake.buttonClick(msg?.id ?? '', oneYear?.custom_id ?? ''));
      clickEdit = await fake.waitForRequest(isEdit(click), 20_000);
    }, 30_000);

    it('is acknowledged without a new message (deferred update), quickly', () => {
      const ack = fake.requests.find(isCallback(click));
      expect((ack?.json as { type: number }).type, 'DEFERRED_UPDATE_MESSAGE').toBe(CALLBACK_TYPE.DeferredUpdateMessage);
      expect((ack?.at ?? Infinity) - click.dispatchedAt).toBeLessThan(1000);
      expect(ack?.at ?? Infinity).toBeLessThan(clickEdit.at);
    });

    it('edits the same message in place with the new period and a new chart', () => {
      const before = fake.original(d);
      const after = fake.original(click);
      expect(after?.id, 'the clicked message, not a new one').toBe(before?.id);
      const body = clickEdit.json as MessageBody;
      expect(body.embeds?.[0]?.title).toMatch(/1Y$/);
      expect(clickEdit.files[0]?.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(after?.attachments, 'the old chart replaced, not added to').toHaveLength(1);
      const buttons = body.components?.[0]?.components ?? [];
      expect(buttons.find((b) => b.label === '1Y'), 'now 1Y is current').toMatchObject({ style: 1, disabled: true });
      expect(buttons.find((b) => b.label === '3M')).toMatchObject({ style: 2, disabled: false });
    });

    it('still works after a restart: the button carries everything', async () => {
      await adapter.stop();
      adapter = await start();
      const msg = fake.original(click);
      const buttons = (msg?.components?.[0] as { components: Button[] } | undefined)?.components ?? [];
      const again = fake.dispatchInteraction(fake.buttonClick(msg?.id ?? '', buttons.find((b) => b.label === 'YTD')?.custom_id ?? ''));
      const e = await fake.waitForRequest(isEdit(again), 20_000);
      expect((e.json as MessageBody).embeds?.[0]?.title).toMatch(/YTD$/);
    }, 30_000);
  });
});

describe('the More button', () => {
  let d: DispatchedInteraction;
  let click: DispatchedInteraction;
  let clickEdit: RecordedRequest;
  let more: Button | undefined;

  beforeAll(async () => {
    // /drawdown lists five deepest drawdowns: more than six lines, so the rest waits behind More.
    d = fake.dispatchInteraction(fake.chatInput('drawdown', { symbol: 'QQQ', asof: '2025-06-30' }));
    await fake.waitForRequest(isEdit(d), 20_000);
    const msg = fake.original(d);
    more = ((msg?.components?.[0] as { components: Button[] } | undefined)?.components ?? []).find((b) => b.label === 'More');
    click = fake.dispatchInteraction(fake.buttonClick(msg?.id ?? '', more?.custom_id ?? ''));
    clickEdit = await fake.waitForRequest(isEdit(click), 20_000);
  }, 30_000);

  it('is offered under an answer with detail, carrying the full run', () => {
    expect(more, 'a More button').toBeDefined();
    expect(decodeRerun(more?.custom_id ?? '')?.full).toBe(true);
  });

  it('is acknowledged with a deferred update (callback type 6), before the edit', () => {
    const ack = fake.requests.find(isCallback(click));
    expect((ack?.json as { type: number }).type, 'DEFERRED_UPDATE_MESSAGE').toBe(6);
    expect(ack?.status).toBe(204);
    expect(ack?.at ?? Infinity).toBeLessThan(clickEdit.at);
    expect(fake.requests.some(isFollowUp(click)), 'no new message').toBe(false);
  });

  it('edits the original reply in place (PATCH …/messages/@original) with the detail lines', async () => {
    const expected = await app.runner.run({ name: 'drawdown', args: { words: ['QQQ'], named: { asof: '2025-06-30' } } });
    if (!expected.ok) throw new Error(expected.error.message);
    const detail = expected.answer.detail ?? [];
    expect(detail.length, '/drawdown QQQ has detail').toBeGreaterThan(0);
    expect(clickEdit.path).toBe(`/webhooks/${fake.applicationId}/${click.token}/messages/@original`);
    const description = (clickEdit.json as MessageBody).embeds?.[0]?.description ?? '';
    expect(description).toBe([...expected.answer.lines, ...detail].join('\n'));
    expect(fake.original(click)?.id, 'the same message').toBe(fake.original(d)?.id);
    expect(fake.original(d)?.embeds[0]?.description, 'the message everyone sees now has the detail').toContain(detail[detail.length - 1] ?? '');
    const after = (clickEdit.json as MessageBody).components?.[0]?.components ?? [];
    expect(after.find((b) => b.label === 'More'), 'nothing more to show').toBeUndefined();
  });
});

describe('acknowledging before working', () => {
  it('sends the defer while the command is still working, and the answer only when it is done', async () => {
    const d = fake.dispatchInteraction(fake.chatInput('gated'));
    const ack = await fake.waitForRequest(isCallback(d));
    expect((ack.json as { type: number }).type).toBe(CALLBACK_TYPE.DeferredChannelMessage);
    expect(fake.original(d)?.flags, 'the channel sees "thinking…"').toBe(MESSAGE_FLAGS.Loading);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests.some(isEdit(d)), 'no answer while the command works').toBe(false);
    openGate();
    const edit = await fake.waitForRequest(isEdit(d));
    expect((edit.json as MessageBody).embeds?.[0]?.title).toBe('Gate opened');
    expect(fake.original(d)?.flags, 'loaded, public').toBe(0);
  });
});

describe('errors reach only the person who asked', () => {
  it('an unknown symbol: an immediate ephemeral reply and nothing public', async () => {
    const d = fake.dispatchInteraction(fake.chatInput('compare', { symbols: 'IWM ZZZZQ' }));
    const ack = await fake.waitForRequest(isCallback(d));
    const body = ack.json as { type: number; data: MessageBody };
    expect(body.type, 'CHANNEL_MESSAGE_WITH_SOURCE').toBe(CALLBACK_TYPE.ChannelMessage);
    expect(body.data.flags, 'EPHEMERAL').toBe(MESSAGE_FLAGS.Ephemeral);
    expect(body.data.content, 'quotes the bad symbol').toContain('ZZZZQ');
    expect(fake.original(d)?.flags, 'the only message is ephemeral').toBe(MESSAGE_FLAGS.Ephemeral);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requestsFor(d).filter((r) => r !== ack), 'no defer, edit or follow-up').toEqual([]);
  });

  it('an error found after the defer: the public placeholder is deleted, then an ephemeral follow-up', async () => {
    // The date parses, so the options bind; only the data shows it is after the last close.
    const d = fake.dispatchInteraction(fake.chatInput('rotation', { asof: '2099-01-02' }));
    const follow = await fake.waitForRequest(isFollowUp(d));
    const ack = fake.requests.find(isCallback(d));
    const del = fake.requests.find(isDelete(d));
    expect((ack?.json as { type: number }).type).toBe(CALLBACK_TYPE.DeferredChannelMessage);
    expect(del?.status, 'placeholder deleted').toBe(204);
    expect(del?.at ?? Infinity, 'deleted before the follow-up, or Discord would fill the placeholder publicly').toBeLessThan(follow.at);
    expect((follow.json as MessageBody).flags).toBe(MESSAGE_FLAGS.Ephemeral);
    expect((follow.json as MessageBody).content).toMatch(/after the latest close/);
    expect(fake.original(d)?.deleted, 'nothing public remains').toBe(true);
    expect(fake.followUps(d).map((m) => m.flags)).toEqual([MESSAGE_FLAGS.Ephemeral]);
    expect(fake.requests.some(isEdit(d)), 'no public answer').toBe(false);
  });

  it('an unexpected failure: a reference, logged with the detail, and no stack trace in chat', async () => {
    const d = fake.dispatchInteraction(fake.chatInput('boom'));
    const follow = await fake.waitForRequest(isFollowUp(d));
    const content = (follow.json as MessageBody).content ?? '';
    const ref = /reference ([0-9a-f]{6})/.exec(content)?.[1];
    expect(ref, content).toBeDefined();
    expect(content, 'no internals').not.toMatch(/kaboom|secret|\.ts:\d+|at /);
    expect((follow.json as MessageBody).flags).toBe(MESSAGE_FLAGS.Ephemeral);
    const logged = logLines.find((l) => l.ref === ref);
    expect(logged?.msg, 'the same reference in the log').toBe('command failed');
    expect(JSON.stringify(logged?.err), 'the log has the detail').toContain('kaboom');
  });

  it('a chart that cannot be drawn: the numbers still arrive, with a note', async () => {
    renderersDown = true;
    try {
      const d = fake.dispatchInteraction(fake.chatInput('compare', { symbols: 'XLE XLK', period: '1m' }));
      const edit = await fake.waitForRequest(isEdit(d), 20_000);
      const body = edit.json as MessageBody;
      expect(edit.files, 'no chart').toEqual([]);
      expect(body.embeds?.[0]?.description).toMatch(/leads|level/);
      expect(body.embeds?.[0]?.fields?.[0]?.value).toContain(CHART_FAILED_NOTE);
      expect(body.embeds?.[0]?.image).toBeUndefined();
    } finally {
      renderersDown = false;
    }
  });

  it('a button tapebot cannot read: told privately to run the command again', async () => {
    const d = fake.dispatchInteraction(fake.chatInput('streak', { a: 'IWM', b: 'SPY' }));
    await fake.waitForRequest(isEdit(d), 20_000);
    const msg = fake.original(d);
    if (!msg) throw new Error('no message');
    // /streak has no period buttons; give its message a button whose id is in some other (or a future) format.
    msg.components = [{ type: 1, components: [{ type: 2, style: 2, label: 'Old', custom_id: 'v0:streak' }] }] as typeof msg.components;
    const click = fake.dispatchInteraction(fake.buttonClick(msg.id, 'v0:streak'));
    const ack = await fake.waitForRequest(isCallback(click));
    expect(ack.json).toMatchObject({ type: CALLBACK_TYPE.ChannelMessage, data: { flags: MESSAGE_FLAGS.Ephemeral } });
    expect((ack.json as { data: MessageBody }).data.content).toContain(STALE_BUTTON_TEXT);
  }, 30_000);
});

describe('autocomplete', () => {
  it('completes the last symbol of a list at once, from memory', async () => {
    const d = fake.dispatchInteraction(fake.autocomplete('compare', { symbols: 'IWM q' }, 'symbols'));
    const ack = await fake.waitForRequest(isCallback(d));
    const body = ack.json as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(body.type, 'APPLICATION_COMMAND_AUTOCOMPLETE_RESULT').toBe(CALLBACK_TYPE.AutocompleteResult);
    expect(body.data.choices[0]?.value).toBe('IWM QQQ');
    for (const c of body.data.choices) expect(c.value).toMatch(/^IWM /);
    expect(body.data.choices.length).toBeLessThanOrEqual(25);
    expect(ack.at - d.dispatchedAt, 'never deferred: answered well inside 3 s').toBeLessThan(1000);
  });

  it('offers a typed date as since:', async () => {
    const d = fake.dispatchInteraction(fake.autocomplete('rotation', { period: '2025-06-02' }, 'period'));
    const ack = await fake.waitForRequest(isCallback(d));
    expect((ack.json as { data: { choices: { value: string }[] } }).data.choices[0]?.value).toBe('since:2025-06-02');
  });

  it('completes a single symbol option by name too', async () => {
    const d = fake.dispatchInteraction(fake.autocomplete('streak', { a: 'russ' }, 'a'));
    const ack = await fake.waitForRequest(isCallback(d));
    const values = (ack.json as { data: { choices: { value: string }[] } }).data.choices.map((c) => c.value);
    expect(values, '"russ" is the start of Russell: IWM and ^RUT').toEqual(expect.arrayContaining(['IWM', '^RUT']));
  });
});

describe('direct messages with the bot', () => {
  it('answers a chart command in a DM', async () => {
    const d = fake.dispatchInteraction(fake.chatInput('compare', { symbols: 'IWM SPY', period: 'ytd' }, { dm: true }));
    const edit = await fake.waitForRequest(isEdit(d), 20_000);
    expect((edit.json as MessageBody).embeds?.[0]?.title).toMatch(/^IWM vs SPY/);
    expect(edit.files).toHaveLength(1);
  }, 30_000);

  it('answers /help with no chart and no buttons', async () => {
    const d = fake.dispatchInteraction(fake.chatInput('help', {}, { dm: true }));
    const edit = await fake.waitForRequest(isEdit(d));
    const body = edit.json as MessageBody;
    expect(edit.files).toEqual([]);
    expect(body.components).toEqual([]);
    for (const c of declared) expect(body.embeds?.[0]?.description, `/help lists /${c.name}`).toContain(`/${c.name}`);
  });
});

describe('a burst of commands', () => {
  it('acknowledges every one of 30 simultaneous chart commands inside Discord’s 3 s', async () => {
    const sent = Array.from({ length: 30 }, (_, k) => fake.dispatchInteraction(fake.chatInput('compare', { symbols: k % 2 ? 'IWM SPY' : 'QQQ DIA', period: ['1m', '3m', 'ytd', '1y'][k % 4] as string })));
    const edits = await Promise.all(sent.map((d) => fake.waitForRequest(isEdit(d), 25_000)));
    const delays = sent.map((d) => (fake.requests.find(isCallback(d))?.at ?? Infinity) - d.dispatchedAt);
    expect(Math.max(...delays), `defer delays ${delays.map((x) => x.toFixed(0)).join(', ')} ms`).toBeLessThan(3000);
    expect(edits.every((e) => e.files.length === 1), 'every answer has its chart').toBe(true);
  }, 30_000);
});

describe('the whole conversation', () => {
  it('held to Discord’s rules: nothing the bot sent would have been refused', () => {
    expect(fake.problems).toEqual([]);
  });
});
