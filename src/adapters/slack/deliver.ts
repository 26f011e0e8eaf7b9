/**
 * Getting an Answer's charts into Slack and the message out.
 *
 * Charts are uploaded with `files.uploadV2` (getUploadURLExternal → POST the bytes → completeUploadExternal)
 * *without* a channel: the file stays private to the bot and appears only inside our message, as an
 * image block that references it by id (`slack_file`). Uploads complete asynchronously on Slack's side
 * (the file is scanned before it is usable), so a message posted right after an upload can be refused
 * with `invalid_blocks` / "invalid slack file"; Slack's SDK maintainers suggest waiting and trying
 * again (slackapi/python-slack-sdk#1521, slackapi/slack-github-action#413). We retry a few times with
 * growing waits, then post the answer without its chart rather than not at all.
 */
import type { webApi } from '@slack/bolt';
import type { Answer } from '../../answer/answer.ts';
import { renderAnswerCharts, type ChartRenderer, type RenderedChart } from '../../charts/renderer.ts';
import { BusyError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { withoutImages, type SlackImage, type SlackMessage } from './blocks.ts';
import { at } from '../../core/at.ts';

type WebClient = webApi.WebClient;

export interface DeliveryOptions {
  /** Waits before each retry when Slack says an uploaded chart is not ready yet. */
  imageRetryDelaysMs: readonly number[];
}

/** About 7.5 s in all: long enough for Slack's file processing, short enough that an answer still feels live. */
export const DEFAULT_DELIVERY: DeliveryOptions = { imageRetryDelaysMs: [250, 500, 1000, 2000, 3750] };

export const CHART_NOT_DRAWN = 'The chart could not be drawn this time.';
export const CHART_BUSY = 'I was too busy drawing other charts to draw this one; ask again in a moment for it.';
export const CHART_NOT_ATTACHED = 'The chart could not be attached this time.';

/** The `error` string of a Slack Web API refusal (`ok: false`), or undefined for any other failure. */
export function slackErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** True when Slack refused blocks because a referenced file is not (yet) usable. */
export function isImageNotReady(err: unknown): boolean {
  if (slackErrorCode(err) !== 'invalid_blocks') return false;
  const data = (err as { data?: { errors?: unknown; response_metadata?: { messages?: unknown } } }).data;
  const details = [data?.errors, data?.response_metadata?.messages].flatMap((x) => (Array.isArray(x) ? x : [])).map(String);
  // No detail at all: assume the image, the only part of our blocks that depends on Slack's state.
  return details.length === 0 || details.some((d) => /slack[_ ]file|image/i.test(d));
}

export interface PreparedImages {
  images: SlackImage[];
  /** Set when a chart could not be drawn or uploaded; the answer goes out without it. */
  note?: string;
}

/**
 * Draws the Answer's charts and uploads them privately; a failure costs the chart, never the answer.
 * `drawn`, when given, is awaited between drawing and uploading (the adapter's turn to work again).
 */
export async function prepareImages(client: WebClient, renderer: ChartRenderer, answer: Answer, logger: Logger, drawn?: () => Promise<void>): Promise<PreparedImages> {
  if (answer.charts.length === 0) return { images: [] };
  let rendered: RenderedChart[];
  try {
    rendered = await renderAnswerCharts(renderer, answer);
  } catch (err) {
    if (err instanceof BusyError) {
      logger.warn({ err, command: answer.command, renderer: renderer.name }, 'renderer busy; answering without the chart');
      return { images: [], note: CHART_BUSY };
    }
    logger.error({ err, command: answer.command, renderer: renderer.name }, 'chart rendering failed');
    return { images: [], note: CHART_NOT_DRAWN };
  }
  await drawn?.();
  try {
    return { images: await uploadCharts(client, answer, rendered) };
  } catch (err) {
    logger.error({ err, command: answer.command, slackError: slackErrorCode(err) }, 'chart upload failed');
    return { images: [], note: CHART_NOT_ATTACHED };
  }
}

/** Uploads drawn charts privately (no channel) and returns them as images to show by file id. */
export async function uploadCharts(client: WebClient, answer: Answer, rendered: readonly RenderedChart[]): Promise<SlackImage[]> {
  if (rendered.length === 0) return [];
  const titles = new Map(answer.charts.map((c) => [c.id, c.title]));
  const result = await client.files.uploadV2({
    file_uploads: rendered.map((c) => ({ file: c.png, filename: c.fileName, title: titles.get(c.id) ?? c.fileName, alt_text: c.altText })),
  });
  // uploadV2 answers with one files.completeUploadExternal result per group; without a channel there
  // is one group, holding the files in the order given.
  const completions = (result as { files?: unknown }).files;
  const ids = (Array.isArray(completions) ? completions : [])
    .flatMap((c: { files?: unknown }) => (Array.isArray(c?.files) ? c.files : []))
    .map((f: { id?: unknown }) => f?.id);
  if (ids.length !== rendered.length || !ids.every((id): id is string => typeof id === 'string')) {
    throw new Error(`files.uploadV2 returned ${ids.length} file id(s) for ${rendered.length} chart(s)`);
  }
  return rendered.map((c, i) => ({ fileId: at(ids, i), altText: c.altText, title: titles.get(c.id) ?? c.fileName }));
}

/**
 * Sends a message (post or update) and, while Slack says its image is not ready, waits and sends it
 * again; when the waits run out, sends it without the image (`droppedImages`: the caller may delete
 * the uploads nobody will see).
 */
export async function sendWithImageRetry<T>(
  send: (m: SlackMessage) => Promise<T>,
  message: SlackMessage,
  opts: DeliveryOptions,
  logger: Logger,
): Promise<{ result: T; droppedImages: boolean }> {
  const hasImages = message.blocks.some((b) => b.type === 'image');
  for (let attempt = 0; ; attempt++) {
    try {
      return { result: await send(message), droppedImages: false };
    } catch (err) {
      if (!hasImages || !isImageNotReady(err)) throw err;
      const wait = opts.imageRetryDelaysMs[attempt];
      if (wait === undefined) {
        logger.warn({ attempts: attempt + 1 }, 'Slack kept refusing the uploaded chart; sending the answer without it');
        return { result: await send(withoutImages(message, CHART_NOT_ATTACHED)), droppedImages: true };
      }
      logger.debug({ attempt: attempt + 1, wait }, 'uploaded chart not ready yet; retrying');
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Deletes files nobody will see (the message that would show them was not posted, or was replaced). Best effort. */
export async function deleteFiles(client: WebClient, ids: readonly string[], logger: Logger): Promise<void> {
  await Promise.all(
    ids.map(async (file) => {
      try {
        await client.files.delete({ file });
      } catch (err) {
        logger.warn({ file, slackError: slackErrorCode(err) ?? String(err) }, 'could not delete an unused chart file');
      }
    }),
  );
}
