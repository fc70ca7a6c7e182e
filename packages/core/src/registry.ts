/**
 * PluginRegistry: the plugins of one context, checked for conflicts, with
 * their operations resolved for the opened device's api.
 */
import { WarpdriveError } from './errors.js';
import type { OperationCodec, Plugin } from './plugin.js';
import { formatValue, parseOptions, pluginSchema } from './validate.js';

/** An operation resolved for one device api: what the queue hot path uses. */
export interface BoundOperation {
  /** Operation name, e.g. `copy`. */
  readonly name: string;
  /** Name of the plugin that provides it. */
  readonly plugin: string;
  /** Its opcode. */
  readonly opcode: number;
  /** The encoder for the context's device api (bound to its codec). */
  readonly prep: OperationCodec['prep'];
  /** The decoder, if any (bound to its codec). */
  readonly complete: NonNullable<OperationCodec['complete']> | undefined;
  /** Whether the decoder also receives failed CQEs. */
  readonly handlesErrors: boolean;
}

function pluginError(message: string, details: Record<string, unknown>): WarpdriveError {
  return new WarpdriveError('ERR_PLUGIN', message, { details });
}

/** Plugins registered on one context. */
export class PluginRegistry {
  private readonly byName = new Map<string, Plugin<any>>();
  private readonly algorithmOwner = new Map<string, string>();
  private readonly opcodeOwner = new Map<number, string>();
  private readonly operationOwner = new Map<string, string>();

  /** Registered plugins, in registration order. */
  get plugins(): readonly Plugin<any>[] {
    return [...this.byName.values()];
  }
  /** Every algorithm name of every plugin. */
  get algorithms(): readonly string[] {
    return [...this.algorithmOwner.keys()];
  }

  /**
   * Add a plugin.
   * @param plugin - plugin object from a factory
   * @param argName - argument path for errors, e.g. `options.plugins.0`
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` if it is not a plugin object;
   *   `ERR_PLUGIN` on a duplicate plugin name, algorithm, operation name, or
   *   an opcode outside 0x00–0xff or claimed twice
   */
  register(plugin: Plugin<any>, argName = 'plugin'): void {
    const p = plugin as unknown;
    if (p !== null && typeof p === 'object' && 'operations' in p) {
      for (const [op, def] of Object.entries((p as Plugin).operations ?? {})) {
        const opcode = (def as { opcode?: unknown } | null)?.opcode;
        if (typeof opcode === 'number' && !(Number.isInteger(opcode) && opcode >= 0 && opcode <= 0xff)) {
          throw pluginError(`plugin '${String((p as Plugin).name)}': operation '${op}' has opcode ${formatValue(opcode)}, outside 0x00–0xff`, { operation: op, opcode });
        }
      }
    }
    parseOptions(pluginSchema, plugin, argName);
    if (this.byName.has(plugin.name)) {
      throw pluginError(`a plugin named '${plugin.name}' is already registered`, { plugin: plugin.name });
    }
    for (const algorithm of plugin.algorithms) {
      const owner = this.algorithmOwner.get(algorithm);
      if (owner !== undefined || plugin.algorithms.indexOf(algorithm) !== plugin.algorithms.lastIndexOf(algorithm)) {
        throw pluginError(`plugin '${plugin.name}': algorithm '${algorithm}' is already provided by plugin '${owner ?? plugin.name}'`, { plugin: plugin.name, algorithm });
      }
    }
    const opcodes = new Map<number, string>();
    for (const [op, def] of Object.entries(plugin.operations)) {
      const owner = this.operationOwner.get(op);
      if (owner !== undefined) {
        throw pluginError(`plugin '${plugin.name}': operation '${op}' is already provided by plugin '${owner}'`, { plugin: plugin.name, operation: op });
      }
      const claimed = this.opcodeOwner.get(def.opcode) ?? (opcodes.has(def.opcode) ? `${plugin.name}' (operation '${opcodes.get(def.opcode)}` : undefined);
      if (claimed !== undefined) {
        throw pluginError(`plugin '${plugin.name}': opcode 0x${def.opcode.toString(16)} of operation '${op}' is already claimed by '${claimed}'`, { plugin: plugin.name, operation: op, opcode: def.opcode });
      }
      opcodes.set(def.opcode, op);
    }
    this.byName.set(plugin.name, plugin);
    for (const algorithm of plugin.algorithms) this.algorithmOwner.set(algorithm, plugin.name);
    for (const [op, def] of Object.entries(plugin.operations)) {
      this.operationOwner.set(op, plugin.name);
      this.opcodeOwner.set(def.opcode, plugin.name);
    }
  }

  /**
   * Operations available on a device speaking `api`, keyed by name
   * (a null-prototype object: one property lookup per request).
   */
  bind(api: string): Readonly<Record<string, BoundOperation>> {
    const out: Record<string, BoundOperation> = Object.create(null);
    for (const plugin of this.byName.values()) {
      for (const [name, def] of Object.entries(plugin.operations)) {
        const codec = def.api[api];
        if (codec === undefined) continue;
        out[name] = {
          name,
          plugin: plugin.name,
          opcode: def.opcode,
          prep: codec.prep.bind(codec),
          complete: codec.complete?.bind(codec),
          handlesErrors: codec.handlesErrors === true,
        };
      }
    }
    return out;
  }
}
