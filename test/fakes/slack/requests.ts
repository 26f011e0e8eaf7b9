/**
 * What Slack sends to an app in HTTP mode, built the way Slack builds it, for tests and benchmarks:
 * slash commands as `application/x-www-form-urlencoded`, interactivity as a form field `payload`
 * holding JSON, events as JSON — each signed with the app's signing secret:
 *
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">
 *
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequest {
  body: string;
  contentType: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Override the signature (forgeries). */
  signature?: string;
  /** Send without the two Slack headers. */
  unsigned?: boolean;
  /** More headers, e.g. Slack's retry headers `X-Slack-Retry-Num: 1` and `X-Slack-Retry-Reason: http_timeout`. */
  headers?: Record<string, string>;
}

export interface SlackResponse {
  status: number;
  body: string;
  /** Milliseconds from sending to the complete response. */
  ms: number;
}

export async function sendSigned(url: string, secret: string, req: SignedRequest): Promise<SlackResponse> {
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': req.contentType, ...req.headers };
  if (!req.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = req.signature ?? slackSignature(secret, timestamp, req.body);
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: req.body });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  channel_id: string;
  user_id?: string;
  response_url: string;
  team_id?: string;
}

/** The form body of a slash command, with the fields Slack sends. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: f.team_id ?? 'T0FAKE0001',
    team_domain: 'tapebot-fake',
    channel_id: f.channel_id,
    channel_name: 'markets',
    user_id: f.user_id ?? 'U0PERSON01',
    user_name: 'pat',
    command: f.command,
    // Slack escapes &, < and > in what people type.
    text: f.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    api_app_id: 'A0FAKEAPP1',
    is_enterprise_install: 'false',
    response_url: f.response_url,
    trigger_id: `${Date.now()}.1234.abcdef`,
  }).toString();
}

export interface ButtonClick {
  channel: string;
  messageTs: string;
  /** The blocks of the message the button is in, as Slack echoes them. */
  blocks: unknown[];
  actionId: string;
  blockId: string;
  value: string;
  label: string;
  responseUrl: string;
  user?: string;
  /** The workspace clicked in (default the fake's own). */
  team?: string;
}

/** The form body of a `block_actions` payload for a button click. */
export function blockActionsBody(c: ButtonClick): string {
  const team = c.team ?? 'T0FAKE0001';
  const payload = {
    type: 'block_actions',
    user: { id: c.user ?? 'U0PERSON01', username: 'pat', name: 'pat', team_id: team },
    api_app_id: 'A0FAKEAPP1',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: c.messageTs, channel_id: c.channel, is_ephemeral: false },
    trigger_id: `${Date.now()}.1234.abcdef`,
    team: { id: team, domain: 'tapebot-fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: c.channel, name: 'markets' },
    message: { type: 'message', user: 'U0FAKEBOT1', bot_id: 'B0FAKEBOT1', ts: c.messageTs, text: '', blocks: c.blocks },
    state: { values: {} },
    response_url: c.responseUrl,
    actions: [
      {
        action_id: c.actionId,
        block_id: c.blockId,
        text: { type: 'plain_text', text: c.label, emoji: true },
        value: c.value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The JSON body of an Events API callback, from workspace `team` (default the fake's own). */
export function eventCallbackBody(event: Record<string, unknown>, team = 'T0FAKE0001'): string {
  return JSON.stringify({
    token: 'verification-token-unused',
    team_id: team,
    api_app_id: 'A0FAKEAPP1',
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: team, user_id: 'U0FAKEBOT1', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
