/**
 * The digest jobs on BullMQ (REDIS_URL): one job scheduler per digest slot and one for the alerts,
 * kept with `upsertJobScheduler` (creating or updating by id, never duplicating), so however many
 * replicas call `sync`, each slot has one scheduler; each occurrence is one job, taken by whichever
 * replica's worker is free. A replica that dies while running one leaves the job to BullMQ's stalled
 * job check, which hands it to another worker; the outbox (unique rows, claims) keeps every post
 * single whether a job runs once or twice.
 *
 * A Redis that comes back empty (restarted without persistence, or failed over) has lost the job
 * schedulers: after every reconnection the last `sync` is applied again (upserts, so a Redis that kept
 * them is unchanged), and the worker reconnects by itself (its connection waits, src/ops/redis.ts).
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../log.ts';
import type { DigestJobs, DigestJobSpec } from './service.ts';

export interface BullJobsOptions {
  /** A connection made for BullMQ (src/ops/redis.ts openRedisForJobs): the worker gets a copy of it. */
  connection: Redis;
  /** BullMQ's key prefix (tests: one per file). Default 'bull'. */
  prefix?: string;
  queueName?: string;
  logger?: Logger;
}

interface JobData {
  job: string;
}

export function createBullJobs(opts: BullJobsOptions): DigestJobs & { readonly queue: Queue<JobData> } {
  const logger = opts.logger ?? silentLogger;
  const queueName = opts.queueName ?? 'tapebot-digests';
  const prefix = opts.prefix ?? 'bull';
  const queue = new Queue<JobData>(queueName, {
    connection: opts.connection,
    prefix,
    // Finished jobs are only a record here (the outbox is the real one): keep a few for a look.
    defaultJobOptions: { removeOnComplete: 100, removeOnFail: 500 },
  });
  // Without a listener BullMQ prints each connection error with its stack while Redis is away.
  queue.on('error', (err) => logger.warn({ err: err.message }, 'digest jobs: queue error'));
  let worker: Worker<JobData> | null = null;
  let last: readonly DigestJobSpec[] | null = null;
  let reconnecting = false;
  const onReconnecting = (): void => {
    reconnecting = true;
  };
  const onReady = (): void => {
    if (!reconnecting || !last) return;
    reconnecting = false;
    apply(last).then(
      () => logger.info({ jobs: last?.length }, 'digest jobs: Redis is back; the schedules are set again'),
      (err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'digest jobs: could not set the schedules again after Redis came back'),
    );
  };
  opts.connection.on('reconnecting', onReconnecting);
  opts.connection.on('ready', onReady);

  async function apply(jobs: readonly DigestJobSpec[]): Promise<void> {
    const wanted = new Set(jobs.map((j) => j.name));
    for (const j of jobs) {
      await queue.upsertJobScheduler(j.name, { pattern: j.cron, tz: j.tz }, { name: j.name, data: { job: j.name } });
    }
    for (const s of await queue.getJobSchedulers()) {
      const id = s.key;
      if (!wanted.has(id)) {
        await queue.removeJobScheduler(id);
        logger.info({ job: id }, 'digest jobs: removed a schedule no subscription uses');
      }
    }
  }

  return {
    queue,
    async sync(jobs: readonly DigestJobSpec[]) {
      last = jobs;
      await apply(jobs);
    },
    async start(run) {
      if (worker) return;
      worker = new Worker<JobData>(
        queueName,
        async (job) => {
          await run(job.data.job);
        },
        { connection: opts.connection.duplicate(), prefix, concurrency: 2 },
      );
      worker.on('failed', (job, err) => logger.error({ job: job?.name, err: err.message }, 'digest jobs: a run failed'));
      worker.on('error', (err) => logger.warn({ err: err.message }, 'digest jobs: worker error'));
      await worker.waitUntilReady();
    },
    async stop() {
      opts.connection.off('reconnecting', onReconnecting);
      opts.connection.off('ready', onReady);
      await worker?.close();
      worker = null;
      await queue.close();
    },
  };
}
