/** The Slack settings' combinations: one bot token, or OAuth for many workspaces (all three settings), validated at start-up. */
import { describe, expect, it } from 'vitest';
import { chatMode, ConfigError, loadConfig, slackOAuth } from '../src/config.ts';

const OAUTH = { SLACK_CLIENT_ID: '1111111111.2222222222', SLACK_CLIENT_SECRET: 'client-secret-abc', SLACK_STATE_SECRET: 'state-secret-0123456789', SLACK_SIGNING_SECRET: 'signing' };

describe('Slack settings', () => {
  it('one workspace: a bot token and a signing secret, as before', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'signing' });
    expect(chatMode(c).slack).toBe(true);
    expect(slackOAuth(c)).toBeNull();
  });

  it('many workspaces: the three OAuth settings and a signing secret, no bot token needed', () => {
    const c = loadConfig(OAUTH);
    expect(chatMode(c)).toEqual({ discord: false, slack: true, console: false });
    expect(slackOAuth(c)).toEqual({ clientId: OAUTH.SLACK_CLIENT_ID, clientSecret: OAUTH.SLACK_CLIENT_SECRET, stateSecret: OAUTH.SLACK_STATE_SECRET });
    expect(chatMode(loadConfig({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1' })).slack, 'a bot token beside them is allowed').toBe(true);
  });

  it('names what is missing or wrong', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ SLACK_CLIENT_ID: OAUTH.SLACK_CLIENT_ID, SLACK_SIGNING_SECRET: 'signing' })).toMatch(/SLACK_CLIENT_SECRET is required[\s\S]*SLACK_STATE_SECRET is required/);
    expect(bad({ ...OAUTH, SLACK_SIGNING_SECRET: '' })).toMatch(/SLACK_SIGNING_SECRET is required when SLACK_CLIENT_ID is set/);
    expect(bad({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/SLACK_APP_TOKEN must be empty/);
    expect(bad({ ...OAUTH, SLACK_STATE_SECRET: 'short' })).toMatch(/SLACK_STATE_SECRET must be at least 16 characters/);
    expect(bad({ ...OAUTH, SLACK_CLIENT_ID: 'abc' })).toMatch(/SLACK_CLIENT_ID must be the app’s Client ID/);
    expect(bad({ SLACK_SIGNING_SECRET: 'signing' })).toMatch(/SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set/);
  });
});
