/**
 * The digest jobs on BullMQ (REDIS_URL): one job scheduler per digest slot and one for the alerts,
 * kept with `upsertJobScheduler` (creating or updating by id, never duplicating), so however many
 * replicas call `sync`, each slot has one scheduler; each occurrence is one job, taken by whichever
 * replica's worker is free. A replica that dies while running one leaves the job to BullMQ's stalled
 * job check, which hands it to another worker; the outbox (unique rows, claims) keeps every post
 * single whether a job runs once or twice.
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
  let worker: Worker<JobData> | null = null;

  return {
    queue,
    async sync(jobs: readonly DigestJobSpec[]) {
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
      await worker?.close();
      worker = null;
      await queue.close();
    },
  };
}
