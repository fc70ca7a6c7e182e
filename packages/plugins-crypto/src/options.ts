/**
 * zod schemas of the session options (checked once per session, not per
 * message) and the conversion of a zod failure into ERR_INVALID_ARGUMENT
 * naming the argument.
 */
import { z } from 'zod';
import { isBufferInput } from '@warpdrive/core/plugin-kit';
import { argError } from './errors.js';

// The shape only: the key itself is converted by viewOf (args.ts cipherKey/hmacKey).
const bytesSchema = z.custom<ArrayBufferView | ArrayBuffer>(isBufferInput, {
  error: 'must be a Buffer, TypedArray, DataView or ArrayBuffer',
});

/** `createCipherSession` options. */
export const cipherSessionSchema = z.strictObject({
  alg: z.string({ error: 'must be an algorithm name such as aes-256-gcm' }),
  key: bytesSchema,
  padding: z.boolean({ error: 'must be a boolean' }).optional(),
});

/** `createHashSession` options. */
export const hashSessionSchema = z.strictObject({
  alg: z.string({ error: 'must be an algorithm name such as sha256 or hmac-sha256' }),
  key: bytesSchema.optional(),
});

/** `crypto()` plugin options. */
export const pluginOptionsSchema = z.strictObject({
  inlineMaxBytes: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }).min(0, { error: 'must be ≥ 0' }).max(0xffffffff, { error: 'must be < 2^32' }).optional(),
});

/** Parse `value` or throw ERR_INVALID_ARGUMENT naming `name.path`. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  if (value === null || typeof value !== 'object') throw argError(name, `\`${name}\` must be an object`);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [name, ...issue.path.map(String)].join('.');
  const what = issue.code === 'unrecognized_keys' ? `has unknown option(s) ${issue.keys.join(', ')}` : issue.message;
  throw argError(path, `\`${path}\` ${what}`);
}
