/**
 * A workspace that uninstalls tapebot (`app_uninstalled`) or revokes its bot token (`tokens_revoked`
 * naming bot tokens) is forgotten: its installation is removed, and `onWorkspaceGone` removes what
 * was set up there (main.ts: its subscriptions, watchlists and alerts, and posts not yet sent).
 * Nothing could be posted there any more; left in place they would only fail every day.
 *
 * Slack sends both events without asking whether the app still has a token (Bolt skips authorize
 * for them), and may send them more than once: removing twice is harmless.
 * https://docs.slack.dev/reference/events/app_uninstalled, …/tokens_revoked
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../log.ts';
import type { SlackInstallations } from './installations.ts';

export interface UninstallDeps {
  installations: SlackInstallations;
  /** Removes what was set up in the workspace; failures are logged, and the event is not retried. */
  onWorkspaceGone?: (workspace: string) => Promise<unknown>;
  logger: Logger;
}

export function registerUninstalls(app: App, deps: UninstallDeps): void {
  async function forget(workspace: string | undefined, why: string): Promise<void> {
    if (!workspace) {
      deps.logger.warn({ adapter: 'slack', event: why }, 'slack: an uninstall named no workspace; nothing removed');
      return;
    }
    try {
      const had = await deps.installations.remove(workspace);
      const removed = await deps.onWorkspaceGone?.(workspace);
      deps.logger.info({ adapter: 'slack', team: workspace, event: why, installation: had, removed }, 'slack: workspace gone; its installation and everything set up there removed');
    } catch (err) {
      deps.logger.error({ adapter: 'slack', team: workspace, event: why, err }, 'slack: could not remove a workspace that uninstalled the app');
    }
  }

  app.event('app_uninstalled', async ({ body, context }) => {
    await forget(context.teamId ?? body.team_id, 'app_uninstalled');
  });

  app.event('tokens_revoked', async ({ event, body, context }) => {
    // Revoked user tokens leave the bot working; only a revoked bot token ends the installation.
    if ((event.tokens.bot ?? []).length === 0) return;
    await forget(context.teamId ?? body.team_id, 'tokens_revoked');
  });
}
