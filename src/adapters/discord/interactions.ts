/**
 * Interactions in, replies out. Three kinds arrive: slash commands, period-button clicks and
 * autocomplete requests. None is special-cased by command name: the declarations and the runner
 * decide everything about a command.
 *
 * The order of every reply is fixed by Discord's clock — an interaction must be acknowledged within
 * 3 seconds, then may be edited for 15 minutes:
 * 1. Acknowledge before any work: `deferReply()` / `deferUpdate()` is the first network call, so a
 *    burst of commands each gets its "thinking…" while data loads and charts draw in worker threads.
 *    Two checks come first, both quick (a microtask with the in-process limit store): the rate limit
 *    (`runner.admit`), so a person over it gets a "slow down" only they see and spam leaves nothing
 *    public; then binding the options, so a typo gets an immediate reply only its author sees, with
 *    no public "thinking…" flash. Every command and button click takes a token, refused or not.
 * 2. Compute with the shared runner, draw the charts, then edit the deferred reply in place —
 *    only while no acknowledgement is waiting, one command per event-loop turn (scheduler.ts).
 * 3. Any failure ends in a message only the person who asked sees. A deferred public reply cannot
 *    become ephemeral, and a follow-up sent straight after a defer would just fill in the public
 *    placeholder (Discord keeps that for backwards compatibility), so the placeholder is deleted
 *    first and the ephemeral follow-up is a new message. Nothing ends in "The application did not
 *    respond", and no chat message carries a stack trace: unexpected errors show a reference that
 *    the log line also has.
 */
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import { withDetail, type Answer } from '../../answer/answer.ts';
import { renderAnswerCharts, type ChartRenderer, type RenderedChart } from '../../charts/renderer.ts';
import { bindOptions } from '../../command/bind.ts';
import type { CommandRunner, Invocation } from '../../command/run.ts';
import type { SymbolDirectory } from '../../data/symbols.ts';
import { describeError, newErrorRef, ShuttingDownError, UserInputError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { NO_LATENCY, type LatencyObserver } from '../../ops/metrics.ts';
import { decodeRerun } from '../rerun.ts';
import { autocompleteChoices, liveChoices, type Choice } from './autocomplete.ts';
import type { SymbolLookup } from '../../data/symbol-lookup.ts';
import { withChannel } from './channel.ts';
import { createAckFirstScheduler, type AckFirstScheduler } from '../ack-first.ts';
import { commandOptions, DISCORD_LIMITS } from './registration.ts';
import { answerReply, errorText } from './reply.ts';

export interface InteractionDeps {
  runner: CommandRunner;
  renderer: ChartRenderer;
  symbols: SymbolDirectory;
  logger: Logger;
  /** Shared with the message handler (mentions.ts), so questions' work also waits for acknowledgements. */
  scheduler?: AckFirstScheduler;
  /** DISCORD_DIGEST_ROLE_ID: members with it may manage digests besides those with Manage Channels (channel.ts). */
  digestRoleId?: string | undefined;
  /** With a live provider: any ticker, found by the provider's symbol search (cached, rate-limited). */
  lookup?: SymbolLookup | undefined;
  /** Where ack and reply latencies go (/metrics); default nowhere. */
  metrics?: LatencyObserver;
}

/** How long autocomplete waits for a live symbol search: Discord allows 3 s for the whole reply. */
export const AUTOCOMPLETE_LOOKUP_MS = 1_200;

/** Said when a button's id is not one tapebot can read (another bot's, or a format from long ago). */
export const STALE_BUTTON_TEXT = 'This button no longer works — run the command again.';

const NO_MENTIONS = { parse: [] as [] };

/**
 * The bundled matches, then what the live symbol search finds, without waiting past
 * AUTOCOMPLETE_LOOKUP_MS: a slow or failed search leaves the bundled matches alone (cached results
 * answer at once the next time).
 */
async function withLiveHits(local: Choice[], typed: string, lookup: SymbolLookup): Promise<Choice[]> {
  const cached = lookup.cached(typed);
  let hits = cached;
  if (!hits) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), AUTOCOMPLETE_LOOKUP_MS)));
    hits = await Promise.race([lookup.lookup(typed).catch(() => undefined), late]);
    clearTimeout(timer);
  }
  return liveChoices(local, hits ?? []);
}

/** Every option value as text, exactly as the text syntax would carry it (`named` only, no words). */
export function invocationFromOptions(name: string, options: readonly CommandInteractionOption[]): Invocation {
  const named: Record<string, string> = {};
  for (const o of options) {
    if (o.value !== undefined && o.value !== null) named[o.name] = String(o.value);
  }
  return { name, args: { words: [], named } };
}

/** platform/userId/channelId key the runner's rate limits; the rest is for the log. */
function metaOf(i: Interaction): Record<string, unknown> {
  return { adapter: 'discord', platform: 'discord', interaction: i.id, user: i.user.id, userId: i.user.id, ...(i.channelId ? { channelId: i.channelId } : {}), guild: i.guildId ?? 'dm' };
}

/**
 * At shutdown, for an interaction whose reply is still being worked on when the grace period ends:
 * tells the person, privately, that tapebot is restarting — replacing a public "thinking…" when
 * there is one, so nothing is left hanging. Never throws.
 */
export async function tellRestarting(i: Interaction, logger: Logger): Promise<void> {
  if (!i.isRepliable()) return;
  const content = errorText(describeError(new ShuttingDownError(), '').message);
  try {
    if (i.isChatInputCommand() && i.deferred && !i.replied) {
      await i.deleteReply().catch(() => {});
      await i.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    } else if (i.deferred || i.replied) {
      await i.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    } else {
      await i.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    }
  } catch (err) {
    logger.warn({ ...metaOf(i), err }, 'could not tell the person that tapebot is restarting');
  }
}

/** Handles one interaction of any kind. Never throws; resolves when the reply is final. */
export function createInteractionHandler(deps: InteractionDeps): (interaction: Interaction) => Promise<void> {
  const { runner, renderer, symbols, logger } = deps;
  const scheduler = deps.scheduler ?? createAckFirstScheduler();
  const latency = deps.metrics ?? NO_LATENCY;
  /** When each interaction reached tapebot, for the ack and reply latency metrics. */
  const arrived = new WeakMap<Interaction, number>();
  const since = (i: Interaction) => performance.now() - (arrived.get(i) ?? performance.now());
  const acknowledge = <T>(i: Interaction, send: () => Promise<T>): Promise<T> =>
    scheduler.acknowledge(send).then((r) => {
      latency.observeAck('discord', since(i));
      return r;
    });

  /**
   * Binding without data catches most mistakes (unknown symbol, bad date or period, missing
   * option) before anything is public. Errors that need data (a date after the last close, not
   * enough history) surface later, from the runner.
   */
  function precheck(inv: Invocation, meta: Record<string, unknown>): string | null {
    const cmd = runner.find(inv.name);
    if (!cmd) return null; // the runner words "no such command" (stale registration) itself
    try {
      bindOptions(cmd, inv.args, symbols);
      return null;
    } catch (cause) {
      if (!(cause instanceof UserInputError)) return null;
      const ref = typeof meta.requestId === 'string' ? meta.requestId : newErrorRef();
      const error = describeError(cause, ref);
      logger.info({ ...meta, ref, command: inv.name, outcome: error.audience, reason: error.message }, 'command refused');
      return error.message;
    }
  }

  async function draw(answer: Answer, meta: Record<string, unknown>): Promise<{ charts: RenderedChart[]; failed: boolean }> {
    if (answer.charts.length === 0) return { charts: [], failed: false };
    try {
      return { charts: await renderAnswerCharts(renderer, answer), failed: false };
    } catch (err) {
      logger.error({ ...meta, err, command: answer.command, renderer: renderer.name }, 'chart rendering failed; answering without the chart');
      return { charts: [], failed: true };
    }
  }

  /** Ends a deferred public reply with an error only the asker sees. */
  async function replaceWithEphemeral(i: ChatInputCommandInteraction, text: string, meta: Record<string, unknown>): Promise<void> {
    try {
      await i.deleteReply();
    } catch (err) {
      logger.warn({ ...meta, err }, 'could not delete the deferred reply before the error message');
    }
    await i.followUp({ content: errorText(text), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  }

  /** A private reply as the interaction's first and only response: nothing public, nothing to edit later. */
  function refuse(i: ChatInputCommandInteraction | ButtonInteraction, text: string): Promise<unknown> {
    return acknowledge(i, () => i.reply({ content: errorText(text), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }));
  }

  async function onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const inv = invocationFromOptions(i.commandName, i.options.data);
    // Tokens first, so spam — valid or not — is limited, and "slow down" is a private first reply.
    const admission = await runner.admit(metaOf(i), inv.name);
    if (!admission.ok) {
      await refuse(i, admission.error.message);
      return;
    }
    const { admitted: _ticket, ...meta } = admission.meta;
    const refusal = precheck(inv, meta);
    if (refusal !== null) {
      await refuse(i, refusal);
      return;
    }
    await acknowledge(i, () => i.deferReply());
    await scheduler.turn();
    const result = await runner.run(withChannel(inv, i, deps.digestRoleId), admission.meta);
    if (!result.ok) {
      await replaceWithEphemeral(i, result.error.message, meta);
      return;
    }
    const { charts, failed } = await draw(result.answer, meta);
    await scheduler.turn();
    await i.editReply(answerReply(result.answer, charts, { chartFailed: failed }));
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    const inv = decodeRerun(i.customId);
    // A click is a command too: limited alike, refused privately and without touching the message.
    const admission = await runner.admit({ ...metaOf(i), via: 'button' }, inv?.name);
    if (!admission.ok) {
      await refuse(i, admission.error.message);
      return;
    }
    const { admitted: _ticket, ...meta } = admission.meta;
    if (!inv) {
      await refuse(i, STALE_BUTTON_TEXT);
      return;
    }
    // No "thinking…": the message stays as it is until the new period replaces it.
    await acknowledge(i, () => i.deferUpdate());
    await scheduler.turn();
    const result = await runner.run(withChannel(inv, i, deps.digestRoleId), admission.meta);
    if (!result.ok) {
      await i.followUp({ content: errorText(result.error.message), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    // A More click shows the same answer with its detail (Answer.detail), in place of the short one.
    const answer = inv.full ? withDetail(result.answer) : result.answer;
    const { charts, failed } = await draw(answer, meta);
    await scheduler.turn();
    // `content: ''` clears a question's "Read as: /…" line (mentions.ts), which no longer matches the new period.
    await i.editReply({ ...answerReply(answer, charts, { chartFailed: failed }), content: '' });
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const cmd = runner.find(i.commandName);
    const focused = i.options.getFocused(true);
    const decl = cmd ? commandOptions(cmd)[focused.name] : undefined;
    const typed = String(focused.value);
    let choices = autocompleteChoices(decl, typed, symbols);
    if (deps.lookup && decl?.kind === 'symbol' && typed.trim().length > 0 && choices.length < DISCORD_LIMITS.choices) {
      choices = await withLiveHits(choices, typed, deps.lookup);
    }
    await scheduler.acknowledge(() => i.respond(choices));
  }

  /** The last word after something unexpected: a reference for the log, privately to the asker. */
  async function rescue(i: Interaction, err: unknown): Promise<void> {
    const ref = newErrorRef();
    logger.error({ ...metaOf(i), ref, err }, 'discord interaction failed');
    if (!i.isRepliable()) return;
    const text = errorText(describeError(err, ref).message);
    try {
      if (i.isChatInputCommand() && i.deferred && !i.replied) {
        await replaceWithEphemeral(i, describeError(err, ref).message, metaOf(i));
      } else if (i.deferred || i.replied) {
        await i.followUp({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      } else {
        await i.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      }
    } catch (again) {
      logger.error({ ...metaOf(i), ref, err: again }, 'could not tell the user about the failure');
    }
  }

  return async (interaction) => {
    arrived.set(interaction, performance.now());
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isButton()) await onButton(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      if (!interaction.isAutocomplete()) latency.observeReply('discord', since(interaction), 'ok');
    } catch (err) {
      if (interaction.isAutocomplete()) {
        // Too late or broken: Discord shows no suggestions, which is the honest outcome.
        logger.warn({ ...metaOf(interaction), err }, 'autocomplete failed');
        return;
      }
      await rescue(interaction, err);
      latency.observeReply('discord', since(interaction), 'error');
    }
  };
}
