import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { createShutdown, createWorkGate, EXIT_ABANDONED } from '../../src/ops/shutdown.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('work gate', () => {
  it('admits until closed, counts what is in flight, and tells when it has drained', async () => {
    const gate = createWorkGate();
    const a = gate.enter();
    const b = gate.enter();
    expect(gate.inFlight).toBe(2);
    gate.close();
    expect(gate.enter(), 'nothing new once closed').toBeNull();
    a?.();
    a?.();
    expect(gate.inFlight, 'releasing twice counts once').toBe(1);
    expect(await gate.drained(20), 'b still runs: the wait times out').toBe(false);
    const drained = gate.drained(1_000);
    b?.();
    expect(await drained).toBe(true);
  });
});

describe('shutdown sequence', () => {
  it('closes the gate, drains adapters in parallel, then closes in order, then exits 0', async () => {
    const gate = createWorkGate();
    const order: string[] = [];
    let code: number | undefined;
    const s = createShutdown({ gate, logger: silentLogger, graceMs: 1_000, exit: (c) => (code = c), onDraining: () => order.push('draining') });
    const running = gate.enter();
    s.onDrain({ name: 'discord', run: () => tick(30).then(() => void order.push('discord stopped')) });
    s.onDrain({ name: 'slack', run: () => tick(10).then(() => void order.push('slack stopped')) });
    s.onClose({ name: 'health server', run: () => void order.push('health closed') });
    s.onClose({ name: 'app', run: () => void order.push('app closed') });
    const started = performance.now();
    const done = s.run('SIGTERM');
    expect(s.run('SIGINT'), 'a second call joins the first').toBe(done);
    setTimeout(() => {
      order.push('command finished');
      running?.();
    }, 60);
    await done;
    expect(order).toEqual(['draining', 'slack stopped', 'discord stopped', 'command finished', 'health closed', 'app closed']);
    // Parallel drains: 30 ms, not 40; the command's 60 ms bounds the wait.
    expect(performance.now() - started).toBeLessThan(900);
    expect(code).toBe(0);
  });

  it('stops waiting after the grace period, and exits 1 when a close step fails', async () => {
    const gate = createWorkGate();
    gate.enter(); // never released
    let code: number | undefined;
    const closed: string[] = [];
    const s = createShutdown({ gate, logger: silentLogger, graceMs: 50, closeStepMs: 50, exit: (c) => (code = c) });
    s.onDrain({ name: 'stuck adapter', run: () => new Promise<void>(() => {}) });
    s.onClose({ name: 'broken', run: () => Promise.reject(new Error('disk gone')) });
    s.onClose({ name: 'app', run: () => void closed.push('app') });
    const started = performance.now();
    await s.run('SIGTERM');
    expect(performance.now() - started, 'bounded by the grace period, not by the stuck work').toBeLessThan(1_000);
    expect(closed, 'a failed step does not stop the next').toEqual(['app']);
    expect(code).toBe(1);
  });

  it('a second signal ends the grace period (drain steps see their deadline abort), a third exits at once', async () => {
    const gate = createWorkGate();
    const codes: number[] = [];
    const s = createShutdown({ gate, logger: silentLogger, graceMs: 600_000, exit: (c) => codes.push(c) });
    let told = 0;
    s.onDrain({
      name: 'adapter with a stalled reply',
      run: (deadline) =>
        new Promise((resolve) => {
          const tell = () => {
            told++;
            resolve({ abandoned: 1 });
          };
          if (deadline.aborted) tell();
          else deadline.addEventListener('abort', tell);
        }),
    });
    const uninstall = s.installSignalHandlers(['SIGUSR2']);
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      const done = s.run('SIGUSR2');
      process.emit('SIGUSR2', 'SIGUSR2');
      await done;
      expect(told, 'the stalled reply was told').toBe(1);
      expect(codes, 'abandoned work: exit 3').toEqual([EXIT_ABANDONED]);
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(codes, 'a third signal exits at once').toEqual([EXIT_ABANDONED, 1]);
    } finally {
      uninstall();
    }
  });
});
