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

import { guardRead, ownOptions } from '@warpdrive/core/plugin-kit';

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

/** A snapshot as the kit's `ownOptions` makes it: every known key, own properties only, each read once. */
export type OptionsSnapshot = Readonly<Record<string, unknown>>;

const hasOwn = Object.prototype.hasOwnProperty;

export class ValueCache<P> {
  private readonly entries = new Map<string, P>();

  /**
   * @param keys - every option name the call accepts
   * @param fields - those whose values are primitives (the key); the others must be absent for the cache to apply
   */
  constructor(
    private readonly keys: readonly string[],
    private readonly fields: readonly string[],
  ) {}

  /**
   * The params for the caller's `options` (not undefined), each own
   * property read exactly once and none inherited (a polluted
   * `Object.prototype` or a getter cannot make params differ from their
   * key). An object whose own keys are all cacheable fields holding
   * primitives is looked up by those values; anything else is parsed from
   * the kit's `ownOptions` snapshot, uncached. `parse` throws for invalid
   * values: nothing is cached then.
   *
   * Which path applies is decided before any property is read (own key
   * names only), so no field is read twice.
   */
  lookup(options: unknown, parse: (snapshot: OptionsSnapshot) => P): P {
    // A revoked Proxy or a throwing getter is the caller's error, typed.
    return guardRead('options', () => this.find(options, parse));
  }

  private find(options: unknown, parse: (snapshot: OptionsSnapshot) => P): P {
    if (!this.keyable(options)) return parse(ownOptions(options, 'options', this.keys));
    const fields = this.fields;
    // per call, not shared: a getter read here may call back into this cache
    const values = new Array<unknown>(fields.length);
    let key = '';
    let cacheable = true;
    for (let i = 0; i < fields.length; i++) {
      const name = fields[i]!;
      const value = hasOwn.call(options, name) ? (options as Record<string, unknown>)[name] : undefined;
      values[i] = value;
      const part = keyPart(value);
      if (part === undefined) cacheable = false;
      else key += part; // fields in a fixed order, each part self-delimiting
    }
    if (!cacheable) return parse(this.snapshotOf(values));
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const params = parse(this.snapshotOf(values));
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, params);
    return params;
  }

  /** An object whose own keys (enumerable or not) are all cacheable fields: no read happens here. */
  private keyable(options: unknown): options is object {
    if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) return false;
    const names = Object.keys(options);
    for (let i = 0; i < names.length; i++) if (!this.fields.includes(names[i]!)) return false; // unknown (ownOptions names it) or uncacheable
    for (const name of this.keys) if (!this.fields.includes(name) && hasOwn.call(options, name)) return false; // e.g. a non-enumerable `out`
    return true;
  }

  /** The `values` a lookup read (of `fields`, in order), as the snapshot `ownOptions` would have made. */
  private snapshotOf(values: readonly unknown[]): OptionsSnapshot {
    const snapshot = Object.create(null) as Record<string, unknown>;
    for (const name of this.keys) {
      const i = this.fields.indexOf(name);
      snapshot[name] = i < 0 ? undefined : values[i];
    }
    return snapshot;
  }
}
