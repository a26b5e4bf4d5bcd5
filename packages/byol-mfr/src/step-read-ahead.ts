/**
 * Reads the data of the step after the one taken while that step runs (as a DataLoader prefetches one
 * batch): `take(epoch, step)` returns that step's data, read ahead if it was the step expected, and
 * starts reading the next one once it is in. Meant for reads that depend only on (epoch, step) — seeded
 * by epoch and slide, not by the run's RNG — so a prefetched step has exactly the data it would have read
 * itself, and a resumed run the same data.
 */
export class StepReadAhead<T> {
  private next: { key: string; data: Promise<T> } | undefined;

  constructor(
    private readonly read: (epoch: number, stepInEpoch: number) => Promise<T>,
    private readonly stepsPerEpoch: number,
    /** Steps of the phase: nothing is read ahead past the last one. */
    private readonly totalSteps: number,
  ) {}

  take(epoch: number, stepInEpoch: number): Promise<T> {
    const key = `${epoch}:${stepInEpoch}`;
    const data = this.next?.key === key ? this.next.data : this.read(epoch, stepInEpoch);
    this.next = undefined;
    const [e, s] = stepInEpoch + 1 < this.stepsPerEpoch ? [epoch, stepInEpoch + 1] : [epoch + 1, 0];
    if (e * this.stepsPerEpoch + s < this.totalSteps) {
      const after = data.then(() => this.read(e, s));
      after.catch(() => undefined); // a failed read surfaces when its step takes it; never if the run stops first
      this.next = { key: `${e}:${s}`, data: after };
    }
    return data;
  }
}
