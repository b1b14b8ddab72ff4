import type { FieldInfo, Shape } from './types.js';

/** Shape → JSON Schema: readable, stored with every registered version, and what ajv validates rows with. */
export function toJsonSchema(shape: Shape, title: string): Record<string, unknown> {
  const root: Record<string, unknown> = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    properties: {},
    additionalProperties: true,
  };
  const paths = Object.keys(shape).sort();
  const nodeFor = new Map<string, Record<string, unknown>>([['', root]]);
  for (const p of paths) {
    const f = shape[p]!;
    const cut = p.lastIndexOf('/');
    const parentPath = p.slice(0, cut);
    const seg = p.slice(cut + 1);
    const parent = nodeFor.get(parentPath);
    if (!parent) continue; // under an `any`
    const node = fieldSchema(f);
    nodeFor.set(p, node);
    if (seg === '[]') {
      parent['items'] = node;
    } else {
      const name = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      ((parent['properties'] ??= {}) as Record<string, unknown>)[name] = node;
      if (f.required) ((parent['required'] ??= []) as string[]).push(name);
    }
  }
  return root;
}

function fieldSchema(f: FieldInfo): Record<string, unknown> {
  const base: Record<string, unknown> = { 'x-tally-type': f.type };
  const nullable = f.nullable || !f.required;
  const t = (jsonType: string) => (nullable ? [jsonType, 'null'] : jsonType);
  switch (f.type) {
    case 'null':
      return { ...base, type: 'null' };
    case 'boolean':
      return { ...base, type: t('boolean') };
    case 'integer':
      return f.repr === 'string' ? { ...base, type: t('string'), pattern: '^-?[0-9]+$' } : { ...base, type: t('integer') };
    case 'decimal':
      return { ...base, type: t('string'), pattern: '^-?[0-9]+(\\.[0-9]+)?$', 'x-scale': f.scale ?? 0 };
    case 'date':
      return { ...base, type: t('string'), format: 'date' };
    case 'string':
      return { ...base, type: t('string') };
    case 'array':
      return { ...base, type: t('array') };
    case 'object':
      return { ...base, type: t('object'), additionalProperties: true };
    case 'any':
      return { ...base };
  }
}
