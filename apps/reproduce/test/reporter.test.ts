import { describe, expect, it } from "vitest";
import { BarReporter, createReporter, JsonReporter, LineReporter } from "../src/progress/reporter";
import type { StageRecord } from "../src/workspace/passport";
import { bufferSink } from "./helpers";

const record: StageRecord = { stage: "tiles", nb: "NB04", runId: "r", shard: null, startedAt: "", seconds: 2, configHash: "abc", status: "done", inputs: [], outputs: [], counts: { ran: 2, tiles: 30, failed: 0 } };
const start = { stage: "tiles", nb: "NB04", title: "two-scale tiling", rateCount: "tiles", todo: 2, skipped: 3, stale: 1, failedBefore: 0, missing: 0 };

describe("progress reporters", () => {
  it("pick a bar on a TTY, plain lines otherwise, JSON with --json-log", () => {
    expect(createReporter({ write: () => true, isTTY: true })).toBeInstanceOf(BarReporter);
    expect(createReporter({ write: () => true, isTTY: false })).toBeInstanceOf(LineReporter);
    expect(createReporter({ write: () => true, isTTY: true }, { quiet: true })).not.toBeInstanceOf(BarReporter);
    expect(createReporter({ write: () => true }, { jsonLog: true })).toBeInstanceOf(JsonReporter);
  });
  it("plain lines say what was skipped and what is stale, and drop zero counts", () => {
    const out = bufferSink();
    const r = new LineReporter(out);
    r.stageStart(start);
    r.unitDone("tiles", "a", "done", { tiles: 10 });
    r.unitDone("tiles", "b", "failed", {}, "WsiError: broken");
    r.stageEnd(record);
    expect(out.text()).toMatch(/^\[tiles\] NB04 two-scale tiling: 2 to do, 3 skipped \(done, same inputs and config\), 1 stale \(redone\)\n/);
    expect(out.text()).toMatch(/\[tiles\] 1\/2 a tiles=10 \(ETA .*\)\n\[tiles\] FAILED b: WsiError: broken\n/);
    expect(out.text()).toMatch(/\[tiles\] done in 2\.0 s \(ran=2 tiles=30\)\n$/);
  });
  it("the bar shows done/total, the rate of the stage's count and an ETA, redrawn in place", () => {
    const out = bufferSink();
    const r = new BarReporter(Object.assign(out, { isTTY: true, columns: 100 }));
    r.stageStart(start);
    r.unitDone("tiles", "a", "done", { tiles: 10 });
    expect(out.text()).toMatch(/\r\x1b\[2K\[tiles\] \[#+-+\] 1\/2 slides · [\d.]+ tiles\/s · ETA /);
  });
  it("--quiet keeps failures and problems only; --json-log writes one object per line", () => {
    const quiet = bufferSink();
    const q = new LineReporter(quiet, { quiet: true });
    q.stageStart(start);
    q.unitDone("tiles", "a", "done", {});
    q.stageEnd(record);
    q.warn("something");
    expect(quiet.text()).toBe("warning: something\n");
    const json = bufferSink();
    const j = new JsonReporter(json);
    j.stageStart(start);
    j.stageEnd(record);
    const lines = json.text().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toEqual(["stage-start", "stage-end"]);
    expect(lines[1].counts.tiles).toBe(30);
  });
});
