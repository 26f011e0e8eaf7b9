/**
 * The channel an interaction happened in, as the commands see it (ChannelContext): where digests,
 * watchlists and alerts belong, and whether the person may change them. See docs/digests.md,
 * "Who may subscribe a channel".
 */
import { InteractionContextType, PermissionFlagsBits, type Interaction } from 'discord.js';
import type { ChannelContext } from '../../command/define.ts';
import type { Invocation } from '../../command/run.ts';

/**
 * May this person manage what the channel receives? Yes when they have Manage Channels in that
 * channel (Discord computes `memberPermissions` with the channel's overwrites; owners and
 * administrators have it), when they have the configured digest role, or when the channel is their
 * own DM with the bot.
 */
export function canManageChannel(i: Interaction, digestRoleId: string | undefined): boolean {
  if (i.context === InteractionContextType.BotDM || (i.context === null && !i.inGuild() && i.channel?.isDMBased() === true)) return true;
  if (i.memberPermissions?.has(PermissionFlagsBits.ManageChannels) === true) return true;
  if (digestRoleId === undefined || !i.member) return false;
  // A cached GuildMember has a role manager; the raw interaction member lists role ids.
  const roles = i.member.roles;
  return Array.isArray(roles) ? roles.includes(digestRoleId) : roles.cache.has(digestRoleId);
}

/** What a scheduled post needs in a channel: see it, send, and show the embed with its PNG. */
const POSTING = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
  ['Attach Files', PermissionFlagsBits.AttachFiles],
] as const;

/**
 * What tapebot lacks to post here on its own. An interaction's reply goes through its webhook and
 * works anyway, but a scheduled post is an ordinary message: `app_permissions` (the bot's
 * permissions in this channel, overwrites included) must allow it. A DM with the bot always does.
 */
export function missingPostingPermissions(i: Interaction): string[] {
  if (i.context === InteractionContextType.BotDM || !i.inGuild()) return [];
  return POSTING.filter(([, bit]) => !i.appPermissions.has(bit)).map(([name]) => name);
}

export function discordChannelContext(i: Interaction, digestRoleId: string | undefined): ChannelContext | undefined {
  if (!i.channelId) return undefined;
  return {
    platform: 'discord',
    id: i.channelId,
    userId: i.user.id,
    canManage: canManageChannel(i, digestRoleId),
    // Asked only by the commands that set up posts, so checked only then.
    async postingProblem() {
      const missing = missingPostingPermissions(i);
      return missing.length === 0
        ? null
        : {
            reason: `I can’t post in this channel on my own: I lack ${missing.join(', ')} here.`,
            fix: 'Ask someone who manages the server to allow those for tapebot in this channel, then try again.',
          };
    },
  };
}

/** The invocation with the channel it came from, when there is one. */
export function withChannel(inv: Invocation, i: Interaction, digestRoleId: string | undefined): Invocation {
  const channel = discordChannelContext(i, digestRoleId);
  return channel ? { ...inv, channel } : inv;
}
