/**
 * A small JSON Schema (2020-12) checker for tests, covering the keywords the OpenAPI document uses:
 * type, properties, required, additionalProperties, items, enum, const, anyOf, oneOf, allOf, $ref,
 * minimum, maximum, pattern, minLength, maxLength. Unknown keywords fail loudly, so the document can
 * never use one that goes unchecked. Test-only.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['description', 'title', 'format', 'default', 'examples', 'deprecated']);
const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'minimum',
  'maximum',
  'pattern',
  'minLength',
  'maxLength',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeOf(value);
  return expected === actual || (expected === 'number' && actual === 'integer');
}

/** Problems of `value` against `schema` (empty when it conforms); `$ref`s resolve in `root`. */
export function checkSchema(value: unknown, schema: Schema, root: Schema, path = '$'): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!CHECKED.has(key) && !ANNOTATIONS.has(key)) problems.push(`${path}: unsupported keyword ${key}`);
  }
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, part) => (node as Schema | undefined)?.[part], root);
    if (!target || typeof target !== 'object') return [...problems, `${path}: unresolved ${schema.$ref}`];
    problems.push(...checkSchema(value, target as Schema, root, path));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(t, value))) {
      return [...problems, `${path}: expected ${types.join('|')}, got ${typeOf(value)}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  }
  if ('const' in schema && schema.const !== value)
    problems.push(`${path}: not the constant ${String(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above maximum`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      problems.push(`${path}: too short`);
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) problems.push(`${path}: too long`);
  }
  for (const [keyword, needed] of [
    ['anyOf', (n: number) => n >= 1],
    ['oneOf', (n: number) => n === 1],
    ['allOf', (n: number, total: number) => n === total],
  ] as const) {
    const options = schema[keyword];
    if (!Array.isArray(options)) continue;
    const passing = options.filter(
      (option) => checkSchema(value, option as Schema, root, path).length === 0,
    ).length;
    if (!needed(passing, options.length))
      problems.push(`${path}: ${keyword} matched ${passing} of ${options.length}`);
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    value.forEach((item, i) => {
      problems.push(...checkSchema(item, schema.items as Schema, root, `${path}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in record)) problems.push(`${path}: missing ${name}`);
    }
    for (const [name, item] of Object.entries(record)) {
      const own = properties[name];
      if (own) problems.push(...checkSchema(item, own, root, `${path}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${path}: undocumented property ${name}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        problems.push(...checkSchema(item, schema.additionalProperties as Schema, root, `${path}.${name}`));
      }
    }
  }
  return problems;
}
