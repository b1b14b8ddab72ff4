import type { Rec } from './fields.js';

/**
 * A record built as a Map (fields.ts `Rec`) becomes the plain object every consumer reads.
 *
 * Why: a Tally voucher has a hundred fields and more. An object given that many fields one at a
 * time by computed keys turns into a dictionary-mode object in V8, and everything done with it
 * afterwards is slower: setting a field (a hash lookup to check it is new, another to store it),
 * JSON.stringify (it sorts the fields back into insertion order) and the inference's walk. A record
 * is built in a Map instead, then made in one step by a function whose body is an object literal
 * with the record's keys, one such function per sequence of keys. Objects made by a literal keep
 * their fields in place (fast mode), and records of one shape share their layout. Vouchers of one
 * file repeat a handful of key sequences, so the functions are few.
 *
 * The object is the one a plain `{}` given the same keys in the same order would be: the same
 * JSON, field for field. Sequences are kept in a tree (one node per key, the key that came next
 * last time tried first); a function is compiled for a sequence only once it has been seen a few
 * times, and the tree and the functions are bounded: past the bounds, or for a sequence seen once,
 * the object is made field by field.
 */

/** A sequence seen this often gets its own function. */
const COMPILE_AFTER = 3;
/**
 * Bounds on what is kept for the whole thread (hostile input: endless distinct sequences, or long
 * made-up tag names). The hostile suite's thousand mutants had taken 200,000 nodes a thread and
 * 100 MB more peak RSS; a real export needs far fewer. A key longer than MAX_KEY is never kept: its
 * record is made field by field.
 */
const MAX_NODES = 20_000;
const MAX_FACTORIES = 512;
const MAX_KEY = 96;

type Factory = (values: unknown[]) => Record<string, unknown>;

class KeyNode {
  /** The key that followed last time, and its node: tried first. */
  lastKey: string | undefined = undefined;
  lastNext: KeyNode | undefined = undefined;
  next: Map<string, KeyNode> | undefined = undefined;
  /** Records that ended here, and the function made for them. */
  seen = 0;
  factory: Factory | undefined = undefined;
}

const root = new KeyNode();
let nodes = 1;
let factories = 0;
/** False once the runtime refused to compile a function from a string. */
let compiles = true;

function step(node: KeyNode, key: string): KeyNode | undefined {
  if (node.lastKey === key) return node.lastNext;
  let nx = node.next?.get(key);
  if (nx === undefined) {
    if (nodes >= MAX_NODES || key.length > MAX_KEY) return undefined;
    nx = new KeyNode();
    nodes++;
    (node.next ??= new Map()).set(key, nx);
  }
  node.lastKey = key;
  node.lastNext = nx;
  return nx;
}

function compile(keys: string[]): Factory {
  // Keys are JSON string literals (valid JS string literals). `__proto__` as a plain literal key
  // would set the prototype; computed, it is an own field like the others.
  const fields = keys.map((k, i) => `${k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)}:v[${i}]`);
  return new Function('v', `"use strict";return {${fields.join(',')}};`) as Factory;
}

/** Field by field, as a plain object (`__proto__` defined as an own field, not the prototype). */
function slow(keys: string[], values: unknown[], n: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k === '__proto__') Object.defineProperty(o, k, { value: values[i], writable: true, enumerable: true, configurable: true });
    else o[k] = values[i];
  }
  return o;
}

/** Value and key buffers, one pair per nesting depth (nested records are made first). */
const valueBufs: unknown[][] = [];
const keyBufs: string[][] = [];
let depth = -1;
// The record being visited (Map#forEach calls `visit` with no entry arrays made; saved around nesting).
let curKeys: string[] = [];
let curValues: unknown[] = [];
let curN = 0;
let curNode: KeyNode | undefined;

function visit(v: unknown, k: string): void {
  if (typeof v === 'object' && v !== null) {
    const keys = curKeys;
    const values = curValues;
    const n = curN;
    const node = curNode;
    v = plain(v);
    curKeys = keys;
    curValues = values;
    curN = n;
    curNode = node;
  }
  curKeys[curN] = k;
  curValues[curN++] = v;
  if (curNode !== undefined) curNode = step(curNode, k);
}

/** The plain object of a record built as a Map; nested Maps (lists of records, UDFs) too. */
export function toObject(rec: Rec): Record<string, unknown> {
  const d = ++depth;
  try {
    const values = (curValues = valueBufs[d] ??= []);
    const keys = (curKeys = keyBufs[d] ??= []);
    curN = 0;
    curNode = root;
    rec.forEach(visit);
    const n = curN;
    const node = curNode;
    let out: Record<string, unknown>;
    if (node === undefined) out = slow(keys, values, n);
    else if (node.factory !== undefined) out = node.factory(values);
    else if (++node.seen >= COMPILE_AFTER && factories < MAX_FACTORIES && compiles) {
      factories++;
      try {
        node.factory = compile(keys.slice(0, n));
        out = node.factory(values);
      } catch {
        // Code generation from strings refused (node --disallow-code-generation-from-strings):
        // every object is made field by field, the same objects, only slower.
        compiles = false;
        out = slow(keys, values, n);
      }
    } else out = slow(keys, values, n);
    // Drop references to this record's values (the buffers outlive it).
    values.fill(undefined, 0, n);
    return out;
  } finally {
    depth--;
  }
}

function plain(v: object): unknown {
  if (v instanceof Map) return toObject(v as Rec);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null) v[i] = plain(x);
    }
  }
  return v;
}
