import { describe, expect, it } from "vitest";
import { StepReadAhead } from "./step-read-ahead";

/** A reader that logs when each step's read starts and finishes, with reads that take a few ms. */
function recordingReader(failing?: string) {
  const events: string[] = [];
  const read = async (epoch: number, step: number): Promise<string> => {
    const key = `${epoch}:${step}`;
    events.push(`start ${key}`);
    await new Promise((r) => setTimeout(r, 5));
    events.push(`end ${key}`);
    if (key === failing) throw new Error(`cannot read ${key}`);
    return `tiles of ${key}`;
  };
  return { events, read };
}

describe("StepReadAhead", () => {
  it("reads the next step (across the epoch boundary) while the current one runs, each step once, none past the last", async () => {
    const { events, read } = recordingReader();
    const ahead = new StepReadAhead(read, 2, 3); // 2 steps per epoch, 3 steps in the phase
    expect(await ahead.take(0, 0)).toBe("tiles of 0:0");
    await new Promise((r) => setTimeout(r, 20)); // "training" step 0:0
    expect(events).toEqual(["start 0:0", "end 0:0", "start 0:1", "end 0:1"]);
    expect(await ahead.take(0, 1)).toBe("tiles of 0:1");
    expect(await ahead.take(1, 0)).toBe("tiles of 1:0");
    await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.startsWith("start"))).toEqual(["start 0:0", "start 0:1", "start 1:0"]);
  });

  it("reads a step that was not the one expected itself (a resumed run), and prefetches from there", async () => {
    const { events, read } = recordingReader();
    const ahead = new StepReadAhead(read, 4, 8);
    await ahead.take(0, 0);
    expect(await ahead.take(1, 2)).toBe("tiles of 1:2");
    expect(await ahead.take(1, 3)).toBe("tiles of 1:3");
    expect(events.filter((e) => e.startsWith("start"))).toEqual(["start 0:0", "start 0:1", "start 1:2", "start 1:3"]);
  });

  it("a failed read ahead rejects the step that takes it, and is no unhandled rejection when nobody does", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { read } = recordingReader("0:1");
      const ahead = new StepReadAhead(read, 3, 3);
      await ahead.take(0, 0);
      await expect(ahead.take(0, 1)).rejects.toThrow("cannot read 0:1");
      const other = new StepReadAhead(recordingReader("0:1").read, 3, 3);
      await other.take(0, 0); // the run stops here: 0:1 fails in the background
      await new Promise((r) => setTimeout(r, 30));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
