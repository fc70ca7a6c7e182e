/**
 * Parsed one-shot options, cached by the values of their fields.
 *
 * Params built from options whose fields are all primitives depend on those
 * values only, so every object holding the same values can share one
 * validated entry. A caller that writes `ctx.decompress(buf, { format:
 * 'gzip' })` makes a fresh object per request; an identity cache (WeakMap)
 * never hits for it, and zod's parse cost about 2 µs of a 4 KiB request's
 * 8–10 µs. Here it is parsed once per combination of values.
 */

/** Distinct value combinations kept; past it the cache starts over (maxOutputLength can take any value). */
const MAX_ENTRIES = 256;

/**
 * One field's value as a self-delimiting key part, or undefined when the
 * value is not a primitive (such options are parsed every time).
 * Strings carry their length, so no string can forge the parts after it.
 */
function keyPart(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      return `n${value};`;
    case 'string':
      return `s${value.length}:${value}`;
    default:
      return undefined;
  }
}

/** A snapshot of a plain options object made of cacheable fields, and its key. */
interface Snapshot {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

export class ValueCache<P> {
  private readonly entries = new Map<string, P>();

  /** @param fields - the option names whose values are primitives (fewer than 10) */
  constructor(private readonly fields: readonly string[]) {}

  /**
   * The params for `options`. A plain object whose enumerable keys are all
   * cacheable fields holding primitives is looked up by its values; on a
   * miss `parse` validates a snapshot of the values read here (each field
   * is read once, so a getter cannot make the cached params differ from
   * their key). Anything else goes to `parse` as it is, uncached.
   */
  lookup(options: unknown, parse: (value: unknown) => P): P {
    const snapshot = this.snapshot(options);
    if (snapshot === undefined) return parse(options);
    const hit = this.entries.get(snapshot.key);
    if (hit !== undefined) return hit;
    const params = parse(snapshot.value); // throws for invalid values: nothing is cached then
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(snapshot.key, params);
    return params;
  }

  private snapshot(options: unknown): Snapshot | undefined {
    if (options === null || typeof options !== 'object' || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
    const value: Record<string, unknown> = {};
    let key = '';
    let count = 0;
    for (const name in options) {
      const index = this.fields.indexOf(name);
      if (index < 0) return undefined;
      const field = (options as Record<string, unknown>)[name];
      const part = keyPart(field);
      if (part === undefined) return undefined;
      value[name] = field;
      key += `${index}${part}`;
      count++;
    }
    // zod reads non-enumerable fields too (a hidden maxOutputLength must
    // still cap the output): an object with own keys for…in skipped is
    // parsed as it is
    if (Reflect.ownKeys(options).length !== count) return undefined;
    return { key, value };
  }
}
