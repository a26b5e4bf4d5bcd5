import { describe, expect, it } from "vitest";
import { MfrDecoder } from "./decoder";

describe("MfrDecoder", () => {
  it("has the reference's 4,141,056 parameters and PyTorch names (tooling/reference/mil/modules.py MFRDecoder)", () => {
    const d = new MfrDecoder();
    expect(d.numParameters()).toBe(4_141_056);
    const names = [...d.namedParameters()].map(([n, p]) => `${n}[${p.shape.join(",")}]`);
    expect(names.slice(0, 3)).toEqual(["mask_token[384]", "in_proj.weight[384,768]", "in_proj.bias[384]"]); // own parameters first, as state_dict()
    expect(names).toContain("encoder.layers.1.self_attn.in_proj_weight[1152,384]");
    expect(names).toContain("encoder.layers.1.linear1.weight[1536,384]");
    expect(names.slice(-4)).toEqual(["norm.weight[384]", "norm.bias[384]", "out_proj.weight[768,384]", "out_proj.bias[768]"]);
  });
});
