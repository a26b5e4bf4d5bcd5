import { describe, expect, it } from "vitest";
import { WsiError } from "./errors";

describe("WsiError", () => {
  it("names the file and carries a code and cause", () => {
    const cause = new Error("short read");
    const e = new WsiError("CORRUPT", "/data/a.svs", "tile 3 of level 0 is truncated", { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe("/data/a.svs: tile 3 of level 0 is truncated");
    expect([e.code, e.path, e.cause]).toEqual(["CORRUPT", "/data/a.svs", cause]);
  });
});
