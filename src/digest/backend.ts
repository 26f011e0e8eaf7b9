/**
 * How /digest, /watch and /alert reach the digest store. Commands are static objects listed in
 * commands/index.ts and their context carries no database, so main.ts installs the store here once
 * it has opened it; without one, those commands say digests are not enabled (the preview still works).
 */
import { UserInputError } from '../errors.ts';
import type { ChannelContext } from '../command/define.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { ChannelRef } from './poster.ts';
import type { DigestStore } from './store.ts';

export interface DigestBackend {
  store: DigestStore;
  clock: Clock;
}

let current: DigestBackend | undefined;

/** Makes the store available to the commands; returns a function that uninstalls it (tests). */
export function installDigestBackend(backend: { store: DigestStore; clock?: Clock }): () => void {
  const b: DigestBackend = { store: backend.store, clock: backend.clock ?? systemClock };
  current = b;
  return () => {
    if (current === b) current = undefined;
  };
}

export function digestBackend(): DigestBackend {
  if (!current) throw new UserInputError('Digests, watchlists and alerts are not enabled on this bot.', 'The operator starts them with the chat adapters; see docs/digests.md.');
  return current;
}

/** The channel a command runs in, or a refusal that says why it must run in one. */
export function requireChannel(channel: ChannelContext | undefined): ChannelRef {
  if (!channel) {
    throw new UserInputError('Digests, watchlists and alerts belong to a chat channel, and this is not one.', 'Run the command in the Discord or Slack channel that should receive them; `/digest preview` works anywhere.');
  }
  return { platform: channel.platform, id: channel.id };
}

/** Like requireChannel, and the person must be allowed to manage the channel (`what`: "digests", "watchlist", "alerts"). */
export function requireManager(channel: ChannelContext | undefined, what: string): ChannelRef {
  const ref = requireChannel(channel);
  if (!channel?.canManage) {
    const who = channel?.platform === 'slack' ? 'someone on the bot’s Slack admin list (SLACK_ADMIN_USERS)' : 'someone with the Manage Channels permission or the digest role';
    throw new UserInputError(`Only people who manage this channel can change its ${what}.`, `Ask ${who}.`);
  }
  return ref;
}

/**
 * Refuses to set up posts in a channel tapebot cannot post in (not a member on Slack, missing
 * permissions on Discord): better said now than discovered when the first digest fails.
 */
export async function requirePostable(channel: ChannelContext | undefined): Promise<void> {
  const problem = await channel?.postingProblem?.();
  if (problem) throw new UserInputError(problem.reason, problem.fix);
}
