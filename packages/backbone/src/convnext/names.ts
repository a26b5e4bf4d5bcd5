// timm ConvNeXt names → torchvision names (the ones our modules use).
//   stem.0 / stem.1                         → features.0.0 / features.0.1
//   stages.S.downsample.0|1                  → features.(2S).0|1
//   stages.S.blocks.J.conv_dw|norm|mlp.fc1|mlp.fc2 → features.(2S+1).J.block.0|2|3|5
//   stages.S.blocks.J.gamma [C]              → features.(2S+1).J.layer_scale [C, 1, 1]
//   head.norm                                → classifier.0

const BLOCK_PARTS: Record<string, string> = { conv_dw: "0", norm: "2", "mlp.fc1": "3", "mlp.fc2": "5" };

/** The torchvision name of a timm ConvNeXt tensor, or undefined when it has no counterpart (e.g. `head.fc`). */
export function timmToTorchvision(name: string): string | undefined {
  let m = /^stem\.([01])\.(weight|bias)$/.exec(name);
  if (m) return `features.0.${m[1]}.${m[2]}`;
  m = /^stages\.(\d+)\.downsample\.([01])\.(weight|bias)$/.exec(name);
  if (m) return `features.${2 * Number(m[1])}.${m[2]}.${m[3]}`;
  m = /^stages\.(\d+)\.blocks\.(\d+)\.(conv_dw|norm|mlp\.fc1|mlp\.fc2)\.(weight|bias)$/.exec(name);
  if (m) return `features.${2 * Number(m[1]) + 1}.${m[2]}.block.${BLOCK_PARTS[m[3]!]}.${m[4]}`;
  m = /^stages\.(\d+)\.blocks\.(\d+)\.gamma$/.exec(name);
  if (m) return `features.${2 * Number(m[1]) + 1}.${m[2]}.layer_scale`;
  m = /^head\.norm\.(weight|bias)$/.exec(name);
  if (m) return `classifier.0.${m[1]}`;
  return undefined;
}

/** True when the tensor names follow timm (`stem.*`, `stages.*`) rather than torchvision (`features.*`). */
export function isTimmNaming(names: Iterable<string>): boolean {
  for (const n of names) if (n.startsWith("stem.") || n.startsWith("stages.")) return true;
  return false;
}
