import { readFileSync } from 'node:fs';
import sax from 'sax';

/**
 * An independent reading of a Tally XML file, written without any of the connector's code: decode
 * by BOM, strip what XML 1.0 forbids (Tally's &#4; and raw control characters), parse with `sax`
 * (strict, no namespaces), and collect the top-level Tally objects.
 */
export interface IndependentObject {
  name: string;
  guid?: string;
  nameAttr?: string;
  nameChild?: string;
  alterid?: number;
}

export function readTallyIndependently(path: string): IndependentObject[] {
  const bytes = readFileSync(path);
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) text = new TextDecoder('utf-8').decode(bytes.subarray(3));
  else text = new TextDecoder('utf-8').decode(bytes);
  text = text
    .replace(/&#(x[0-9a-fA-F]+|\d+);/g, (m, g: string) => {
      const cp = g.startsWith('x') ? parseInt(g.slice(1), 16) : parseInt(g, 10);
      return cp < 32 && cp !== 9 && cp !== 10 && cp !== 13 ? '' : m;
    })
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

  const parser = sax.parser(true, { trim: false, normalize: false });
  const stack: string[] = [];
  const objects: IndependentObject[] = [];
  let current: IndependentObject | undefined;
  let depthOfObject = -1;
  let textBuf = '';
  parser.onopentag = (tag) => {
    const parent = stack[stack.length - 1];
    if (!current) {
      const isObject = parent === 'TALLYMESSAGE' || parent === 'COLLECTION' || (stack.length === 1 && parent === 'ENVELOPE' && !['HEADER', 'BODY'].includes(tag.name));
      if (isObject) {
        current = { name: tag.name };
        const n = (tag.attributes as Record<string, string>)['NAME'];
        if (n !== undefined) current.nameAttr = n;
        depthOfObject = stack.length;
      }
    }
    stack.push(tag.name);
    textBuf = '';
  };
  parser.ontext = (t) => {
    textBuf += t;
  };
  parser.onclosetag = (name) => {
    stack.pop();
    if (current && stack.length === depthOfObject + 1) {
      // a direct child of the object
      if (name === 'GUID') current.guid = textBuf.trim();
      if (name === 'ALTERID') current.alterid = Number(textBuf.trim());
      if (name === 'NAME' && current.nameChild === undefined) current.nameChild = textBuf;
    }
    if (current && stack.length === depthOfObject) {
      objects.push(current);
      current = undefined;
    }
    textBuf = '';
  };
  parser.write(text).close();
  return objects;
}

/** Vouchers and unique masters (by GUID, else by type + NAME; objects with neither count each). */
export function expectedCounts(objs: IndependentObject[]): { vouchers: number; voucherGuids: Set<string>; masters: number; masterGuids: Set<string> } {
  const vouchers = objs.filter((o) => o.name === 'VOUCHER');
  const keys = new Set<string>();
  let anon = 0;
  const masterGuids = new Set<string>();
  for (const o of objs) {
    if (o.name === 'VOUCHER') continue;
    if (o.guid) {
      keys.add('g:' + o.guid);
      masterGuids.add(o.guid);
    } else if (o.nameAttr !== undefined || o.nameChild !== undefined) keys.add('n:' + o.name + ':' + (o.nameAttr ?? o.nameChild));
    else anon++;
  }
  return { vouchers: vouchers.length, voucherGuids: new Set(vouchers.map((v) => v.guid ?? '')), masters: keys.size + anon, masterGuids };
}
