/** A backing service (PostgreSQL, Redis) in /healthz: its ping's outcome, recorded under its name. */
import { describe, expect, it } from 'vitest';
import { createHealthRegistry, pollComponent } from '../../src/ops/health.ts';

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition never held');
}

describe('pollComponent', () => {
  it('reports the service down with the error, then up again once its ping answers', async () => {
    const health = createHealthRegistry();
    let up = false;
    let pings = 0;
    const stop = pollComponent(health, 'redis', async () => {
      pings++;
      if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    }, 10);
    await until(() => health.report().components.redis !== undefined);
    expect(health.report().components.redis).toMatchObject({ ready: false, detail: 'connect ECONNREFUSED 127.0.0.1:6379' });
    expect(health.report().status, 'a backing service down makes the replica unavailable').toBe('unavailable');
    up = true;
    await until(() => health.report().components.redis?.ready === true);
    expect(pings, 'pinged again after the failure').toBeGreaterThanOrEqual(2);
    stop();
  });
});
