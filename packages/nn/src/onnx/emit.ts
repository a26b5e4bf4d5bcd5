import protobuf from "protobufjs";
import type { Graph, Node, Tensor } from "../graph/graph.js";
import { type Attr, type ConstTensor, ONNX_DTYPE, type Shape } from "../graph/types.js";
import { ONNX_PROTO } from "./schema.js";

/** ONNX IR version written (IR 9 pairs with opset 20). */
export const IR_VERSION = 9;
/** Default-domain opset written: 20, the first with a native Gelu; onnxruntime-node 1.30 runs it. */
export const OPSET = 20;

let root: protobuf.Root | undefined;
/** The parsed onnx.proto subset (lazily, once). */
export function onnxRoot(): protobuf.Root {
  root ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  return root;
}

const ATTR_TYPE: Record<Attr["kind"], number> = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 };

function encodeAttr(name: string, a: Attr): Record<string, unknown> {
  const out: Record<string, unknown> = { name, type: ATTR_TYPE[a.kind] };
  switch (a.kind) {
    case "int":
      out.i = a.value;
      break;
    case "float":
      out.f = a.value;
      break;
    case "ints":
      out.ints = a.value;
      break;
    case "floats":
      out.floats = a.value;
      break;
    case "string":
      out.s = new TextEncoder().encode(a.value);
      break;
    case "tensor":
      out.t = tensorProto("", a.value);
      break;
  }
  return out;
}

/** A TensorProto with raw little-endian data (no copy for the bytes view). */
export function tensorProto(name: string, t: ConstTensor): Record<string, unknown> {
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: t.shape, data_type: ONNX_DTYPE[t.dtype], raw_data: raw };
}

function valueInfo(t: Tensor, name = t.name): Record<string, unknown> {
  const dim = (t.shape as Shape).map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[t.dtype], shape: { dim } } } };
}

/** Options of {@link toOnnxBytes}. */
export interface EmitOptions {
  /** @default "@osfm/nn" */
  producer?: string;
  /** Extra string metadata stored in the model. */
  metadata?: Record<string, string>;
}

/**
 * The nodes that an output depends on, in graph order. Gradient rules may leave a node unused
 * (e.g. a transpose cancelled by the transpose of its result); onnxruntime would still run it.
 */
export function liveNodes(graph: Graph): Node[] {
  const needed = new Set<Tensor>(graph.outputs.map((o) => o.tensor));
  const live = new Set<Node>();
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i] as Node;
    if (!n.outputs.some((t) => needed.has(t))) continue;
    live.add(n);
    for (const t of n.inputs) if (t) needed.add(t);
  }
  const available = (t: Tensor | null) => !t?.producer || live.has(t.producer);
  return graph.nodes.filter((n) => live.has(n) || (graph.keepAlive.has(n) && n.inputs.every(available)));
}

/**
 * Drops the Identity that `Graph.output` inserts to give a computed tensor its output name, and
 * names the tensor itself so (onnxruntime copies through such an Identity when the tensor has other
 * readers, e.g. a gradient also summed into the gradient norm).
 */
function withoutOutputCopies(graph: Graph, nodes: Node[]): { nodes: Node[]; rename: Map<Tensor, string> } {
  const rename = new Map<Tensor, string>();
  const dropped = new Set<Node>();
  const outputs = new Set(graph.outputs.map((o) => o.tensor));
  for (const o of graph.outputs) {
    const id = o.tensor.producer;
    const src = id?.op === "Identity" ? id.inputs[0] : undefined;
    if (!id || !src?.producer || outputs.has(src) || rename.has(src)) continue;
    rename.set(src, o.name);
    rename.set(o.tensor, o.name);
    dropped.add(id);
  }
  return { nodes: nodes.filter((n) => !dropped.has(n)), rename };
}

/** Serialises a graph as an ONNX ModelProto (IR 9, opset 20 plus com.microsoft 1 when used). */
export function toOnnxBytes(graph: Graph, options: EmitOptions = {}): Uint8Array {
  const { producer = "@osfm/nn", metadata = {} } = options;
  const R = onnxRoot();
  const { nodes: live, rename } = withoutOutputCopies(graph, liveNodes(graph));
  const nameOf = (t: Tensor) => rename.get(t) ?? t.name;
  const nodes = live.map((n) => ({
    name: n.name,
    op_type: n.op,
    domain: n.domain,
    input: n.inputs.map((t) => (t ? nameOf(t) : "")),
    output: n.outputs.map(nameOf),
    attribute: Object.entries(n.attrs).map(([k, v]) => encodeAttr(k, v)),
  }));
  const used = new Set(live.flatMap((n) => n.inputs.map((t) => (t ? nameOf(t) : ""))));
  for (const o of graph.outputs) used.add(o.tensor.name);
  // constants only dead nodes read are left out (parameters always stay)
  const initializer = [...graph.initializers]
    .filter(([name]) => used.has(name) || graph.paramTensors.has(name))
    .map(([name, t]) => tensorProto(name, t));
  const domains = new Set(nodes.map((n) => n.domain).filter((d) => d !== ""));
  const model = {
    ir_version: IR_VERSION,
    producer_name: producer,
    producer_version: "0",
    opset_import: [{ domain: "", version: OPSET }, ...[...domains].map((domain) => ({ domain, version: 1 }))],
    graph: {
      name: graph.name,
      node: nodes,
      initializer,
      input: graph.inputs.map((t) => valueInfo(t)),
      output: graph.outputs.map((o) => valueInfo(o.tensor, o.name)),
    },
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  const ModelProto = R.lookupType("onnx.ModelProto");
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
