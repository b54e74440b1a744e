import { periodicWorker } from './periodic-worker';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('periodicWorker', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('runs a pass every interval, the first one interval after start unless asked to run at start', async () => {
    let passes = 0;
    const worker = periodicWorker(async () => void passes++, 1000, { name: 'test' });
    await worker.start();
    await tick();
    expect(passes).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(passes).toBe(3);
    await worker.stop();

    let eager = 0;
    const atStart = periodicWorker(async () => void eager++, 1000, { name: 'test', runAtStart: true });
    await atStart.start();
    await tick();
    expect(eager).toBe(1);
    await atStart.stop();
  });

  it('reports a failed pass and keeps going', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const worker = periodicWorker(
      async () => {
        passes++;
        if (passes === 1) throw new Error('boom');
      },
      100,
      { name: 'test', runAtStart: true, onError: (error) => errors.push(error) },
    );
    await worker.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(2);
    expect(errors).toEqual([new Error('boom')]);
    await worker.stop();
  });

  it('stop cuts the pause short and waits for the running pass; no pass starts afterwards', async () => {
    let release!: () => void;
    let passes = 0;
    let finished = false;
    const worker = periodicWorker(
      async () => {
        passes++;
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
      60_000,
      { name: 'test', runAtStart: true },
    );
    await worker.start();
    await tick();
    expect(passes).toBe(1);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    expect(worker.stopping).toBe(true);
    await tick();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(passes).toBe(1);
  });
});
