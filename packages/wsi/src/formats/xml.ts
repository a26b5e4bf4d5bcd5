/** A parsed XML element: name, attributes, child elements and its own text (entities decoded). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const entities: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", apos: "'" };

/** Decodes XML character and entity references. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return entities[e] ?? m;
  });
}

/**
 * A small non-validating XML parser (elements, attributes, text, CDATA; comments, declarations and
 * processing instructions skipped). Enough for vendor metadata such as Philips' ImageDescription.
 * Throws on malformed nesting.
 */
export function parseXml(src: string): XmlElement {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    const top = stack[stack.length - 1] as XmlElement;
    if (lt < 0) { top.text += decodeEntities(src.slice(i)); break; }
    if (lt > i) top.text += decodeEntities(src.slice(i, lt));
    if (src.startsWith("<!--", lt)) { i = end(src, "-->", lt) + 3; continue; }
    if (src.startsWith("<![CDATA[", lt)) { const e = end(src, "]]>", lt); top.text += src.slice(lt + 9, e); i = e + 3; continue; }
    if (src.startsWith("<?", lt) || src.startsWith("<!", lt)) { i = end(src, ">", lt) + 1; continue; }
    const gt = end(src, ">", lt);
    const tag = src.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open === undefined || open.name !== name || stack.length === 0) throw new Error(`XML: unexpected </${name}>`);
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s/>]+)/.exec(body);
    if (m === null) throw new Error("XML: element without a name");
    const el: XmlElement = { name: m[1] as string, attrs: {}, children: [], text: "" };
    for (const a of body.slice(m[0].length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      el.attrs[a[1] as string] = decodeEntities(a[3] ?? a[4] ?? "");
    }
    top.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`XML: <${(stack[stack.length - 1] as XmlElement).name}> is not closed`);
  return root;
}

function end(src: string, token: string, from: number): number {
  const e = src.indexOf(token, from);
  if (e < 0) throw new Error(`XML: unterminated markup at ${from}`);
  return e;
}
