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

export function discordChannelContext(i: Interaction, digestRoleId: string | undefined): ChannelContext | undefined {
  if (!i.channelId) return undefined;
  return { platform: 'discord', id: i.channelId, userId: i.user.id, canManage: canManageChannel(i, digestRoleId) };
}

/** The invocation with the channel it came from, when there is one. */
export function withChannel(inv: Invocation, i: Interaction, digestRoleId: string | undefined): Invocation {
  const channel = discordChannelContext(i, digestRoleId);
  return channel ? { ...inv, channel } : inv;
}
