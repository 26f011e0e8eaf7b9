/**
 * How /digest, /watch and /alert reach the digest store: through their context (`ctx.digests`), which
 * createApp fills with the app's store; without one, those commands say digests are not enabled (the
 * preview still works). Also the checks those commands make on the channel they run in.
 */
import { UserInputError } from '../errors.ts';
import type { ChannelContext } from '../command/define.ts';
import type { Clock } from './clock.ts';
import type { ChannelRef } from './poster.ts';
import type { DigestStore } from './types.ts';

/** The digest store and the clock subscriptions are dated by. */
export interface DigestBackend {
  readonly store: DigestStore;
  readonly clock: Clock;
}

/** The context's digest store, or the refusal that says digests are not enabled here. */
export function requireDigests(ctx: { readonly digests?: DigestBackend | undefined }): DigestBackend {
  if (!ctx.digests) throw new UserInputError('Digests, watchlists and alerts are not enabled on this bot.', 'The operator starts them with the chat adapters; see docs/digests.md.');
  return ctx.digests;
}

/** The channel a command runs in, or a refusal that says why it must run in one. */
export function requireChannel(channel: ChannelContext | undefined): ChannelRef {
  if (!channel) {
    throw new UserInputError('Digests, watchlists and alerts belong to a chat channel, and this is not one.', 'Run the command in the Discord or Slack channel that should receive them; `/digest preview` works anywhere.');
  }
  return { platform: channel.platform, id: channel.id, ...(channel.workspace !== undefined ? { workspace: channel.workspace } : {}) };
}

/** Like requireChannel, and the person must be allowed to manage the channel (`what`: "digests", "watchlist", "alerts"). */
export async function requireManager(channel: ChannelContext | undefined, what: string): Promise<ChannelRef> {
  const ref = requireChannel(channel);
  const may = typeof channel?.canManage === 'function' ? await channel.canManage() : channel?.canManage === true;
  if (!may) {
    const who = channel?.managers ?? (channel?.platform === 'slack' ? 'someone on the bot’s Slack admin list (SLACK_ADMIN_USERS)' : 'someone with the Manage Channels permission or the digest role');
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
