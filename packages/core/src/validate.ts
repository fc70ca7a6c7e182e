/**
 * zod schemas for every options object, and the conversion of a zod failure
 * into ERR_INVALID_ARGUMENT naming the argument path and what was expected.
 *
 * zod runs only on options objects (once per context/pool/discovery), never
 * per operation: hot paths check their few arguments by hand.
 */
import { z } from 'zod';
import { CONSTANTS } from './abi.js';
import { WarpdriveError } from './errors.js';

/** Short rendering of a received value for error messages. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return (value as object).constructor?.name ?? 'an object';
}

/** A value checked by `test`, reported as "must be <expected>, got <value>". */
function check<T>(expected: string, test: (v: unknown) => boolean) {
  return z.custom<T>(test, { error: (iss) => `must be ${expected}, got ${formatValue(iss.input)}` });
}

/** An integer in [min, max]. */
export function intInRange(min: number, max: number) {
  return check<number>(`an integer between ${min} and ${max}`, (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max);
}

/** A strict object schema whose non-object input reads "must be an object, got …". */
export function options<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'invalid_type' ? `must be an object, got ${formatValue(iss.input)}` : undefined),
  });
}

const isPowerOfTwo = (v: unknown): boolean =>
  Number.isInteger(v) && (v as number) >= 1 && ((v as number) & ((v as number) - 1)) === 0;

/** Queue depth: power of two in WD_RING_MIN_ENTRIES..WD_RING_MAX_ENTRIES. */
export const depthSchema = check<number>(
  `a power of two between ${CONSTANTS.WD_RING_MIN_ENTRIES} and ${CONSTANTS.WD_RING_MAX_ENTRIES}`,
  (v) => isPowerOfTwo(v) && (v as number) <= CONSTANTS.WD_RING_MAX_ENTRIES,
);

/** Scheduling policies across a context's queues. */
export const SCHEDULE_POLICIES = ['round-robin', 'least-in-flight'] as const;

const scheduleSchema = check<(typeof SCHEDULE_POLICIES)[number]>(
  `one of ${SCHEDULE_POLICIES.map((p) => `'${p}'`).join(', ')}`,
  (v) => (SCHEDULE_POLICIES as readonly unknown[]).includes(v),
);

const deviceSchema = check<string>(
  "'auto', 'soft', 'uacce' or a device name (non-empty string)",
  (v) => typeof v === 'string' && v.length > 0 && v.length <= 256,
);

const pluginsSchema = check<readonly unknown[]>('an array of plugins (e.g. [coreOps()])', (v) => Array.isArray(v));

/** Options of createContext. Plugins are checked further by the registry. */
export const contextOptionsSchema = options({
  plugins: pluginsSchema,
  device: deviceSchema.optional().default('auto'),
  queues: intInRange(1, 64).optional().default(1),
  depth: depthSchema.optional().default(256),
  workers: intInRange(1, 256).optional(),
  schedule: scheduleSchema.optional().default('least-in-flight'),
  spinMicros: intInRange(0, 1_000_000).optional(),
  pollMicros: intInRange(0, 1000).optional().default(5),
  dataRegion: intInRange(4096, 2 ** 40).optional(),
});

/** Options of listDevices. */
export const listDevicesOptionsSchema = options({
  sysfsRoot: check<string>('a non-empty path string', (v) => typeof v === 'string' && v.length > 0).optional(),
}).optional();

/** Options of BufferPool. */
export const bufferPoolOptionsSchema = options({
  bufferSize: intInRange(1, 2 ** 31),
  maxPooled: intInRange(0, 1 << 20).optional().default(64),
  prefault: check<boolean>('a boolean', (v) => typeof v === 'boolean').optional().default(true),
});

const fn = check<(...args: never[]) => unknown>('a function', (v) => typeof v === 'function');
const nonEmptyName = check<string>('a non-empty string', (v) => typeof v === 'string' && v.length > 0);

/** Shape of a plugin object (conflicts are checked by the registry). */
export const pluginSchema = z.object(
  {
    name: nonEmptyName,
    algorithms: z.array(nonEmptyName, { error: (iss) => `must be an array of names, got ${formatValue(iss.input)}` }),
    operations: z.record(
      z.string(),
      z.object(
        {
          opcode: intInRange(0x00, 0xff),
          api: z.record(
            z.string(),
            z.object({ prep: fn, complete: fn.optional(), handlesErrors: z.boolean().optional() }, {
              error: () => 'must be an object with prep() and complete()',
            }),
            { error: (iss) => `must be an object keyed by device api, got ${formatValue(iss.input)}` },
          ),
        },
        { error: (iss) => `must be an operation object { opcode, api }, got ${formatValue(iss.input)}` },
      ),
      { error: (iss) => `must be an object of operations, got ${formatValue(iss.input)}` },
    ),
    softEngines: z
      .array(z.object({ library: nonEmptyName, symbol: nonEmptyName }), {
        error: (iss) => `must be an array of { library, symbol }, got ${formatValue(iss.input)}`,
      })
      .optional(),
    extend: fn.optional(),
  },
  { error: (iss) => `must be a plugin object (from a plugin factory such as coreOps()), got ${formatValue(iss.input)}` },
);

/**
 * Parse `value` with `schema`, turning the first zod issue into an
 * ERR_INVALID_ARGUMENT whose message starts with the argument path.
 *
 * @param schema - zod schema
 * @param value - the caller's argument
 * @param name - the argument's name, e.g. `options`
 * @returns the parsed value (defaults applied)
 * @throws WarpdriveError `ERR_INVALID_ARGUMENT` with `details.argument`
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let path = [name, ...issue.path.map(String)].join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [path, issue.keys[0]].join('.');
    message = `is not a known option (known: ${knownKeys(schema).join(', ')})`;
  }
  throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`${path}\` ${message}`, {
    cause: result.error,
    details: { argument: path },
  });
}

function knownKeys(schema: z.ZodType): string[] {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}
