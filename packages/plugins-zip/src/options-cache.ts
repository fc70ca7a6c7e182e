/**
 * Parsed one-shot options, cached by the values of their fields.
 *
 * Params built from options whose fields are all primitives depend on those
 * values only, so every object holding the same values can share one
 * validated entry. A caller that writes `ctx.decompress(buf, { format:
 * 'gzip' })` makes a fresh object per request; an identity cache (WeakMap)
 * never hits for it, and validating and freezing fresh params per request
 * is measurable on a 4 KiB request's 8–10 µs (zod's parse, used before,
 * cost about 2 µs). Here it is parsed once per combination of values.
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

export class ValueCache<P> {
  private readonly entries = new Map<string, P>();

  /** @param fields - the option names whose values are primitives */
  constructor(private readonly fields: readonly string[]) {}

  /**
   * The params for `options`, a snapshot from the kit's `ownOptions` (own
   * properties only, each read once: a polluted `Object.prototype` or a
   * getter cannot make cached params differ from their key). A snapshot
   * whose cacheable fields all hold primitives and whose other fields are
   * all undefined is looked up by those values; anything else goes to
   * `parse` uncached. `parse` throws for invalid values: nothing is cached then.
   */
  lookup(options: Readonly<Record<string, unknown>>, parse: (value: Readonly<Record<string, unknown>>) => P): P {
    const key = this.keyOf(options);
    if (key === undefined) return parse(options);
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const params = parse(options);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, params);
    return params;
  }

  private keyOf(options: Readonly<Record<string, unknown>>): string | undefined {
    const fields = this.fields;
    let key = '';
    for (let i = 0; i < fields.length; i++) {
      const part = keyPart(options[fields[i]!]);
      if (part === undefined) return undefined;
      key += part; // fields in a fixed order, each part self-delimiting
    }
    // (a null-prototype snapshot: for…in sees its own keys only)
    for (const name in options) {
      if (options[name] !== undefined && !fields.includes(name)) return undefined;
    }
    return key;
  }
}
