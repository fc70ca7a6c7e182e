/**
 * node:zlib-shaped errors for the facade: the same classes, `code`s and
 * `errno`s node raises, so callers that branch on `err.code` keep working.
 * A mapped device error keeps the original WarpdriveError as `cause`.
 */
import { isWarpdriveError } from '@warpdrive/core';
import { describeValue } from '@warpdrive/core/plugin-kit';
import { constants } from 'node:zlib';
import { inspect } from 'node:util';

/** An Error carrying node's `code` (and, for data errors, zlib's `errno`). */
export interface NodeStyleError extends Error {
  code: string;
  errno?: number;
}

function make<E extends Error>(ErrorClass: new (message: string, options?: ErrorOptions) => E, code: string, message: string, cause?: unknown): E & NodeStyleError {
  const err = new ErrorClass(message, cause === undefined ? undefined : { cause }) as E & NodeStyleError;
  err.code = code;
  return err;
}

/** How node's internal errors describe a received value. */
function received(value: unknown): string {
  if (value == null) return ` Received ${String(value)}`;
  if (typeof value === 'function') return ` Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    // (the kit's description: no getter or trap of the caller's object runs)
    const name = describeValue(value) === 'Uint8Array' && value instanceof Buffer ? 'Buffer' : describeValue(value);
    if (name === 'a Proxy') return ' Received a Proxy';
    return /^[A-Za-z_$][\w$]*$/.test(name) ? ` Received an instance of ${name}` : ` Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

/** TypeError `ERR_INVALID_ARG_TYPE`, worded like node's. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError & NodeStyleError {
  const kind = name.includes('.') ? 'property' : 'argument';
  return make(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" ${kind} must be ${expected}.${received(value)}`);
}

/** RangeError `ERR_OUT_OF_RANGE`, worded like node's. */
export function outOfRange(name: string, range: string, value: unknown): RangeError & NodeStyleError {
  return make(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`);
}

/**
 * TypeError `ERR_INVALID_ARG_VALUE`: a value node accepts but this facade
 * does not implement (e.g. a non-default `windowBits`). Raised instead of
 * silently ignoring the option.
 */
export function unsupportedValue(name: string, value: unknown, reason: string): TypeError & NodeStyleError {
  return make(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${name.includes('.') ? 'property' : 'argument'} '${name}' ${reason}. Received ${inspect(value)}`);
}

/** RangeError `ERR_BUFFER_TOO_LARGE`, as node raises for `maxOutputLength`. */
export function bufferTooLarge(maxOutputLength: number, cause?: unknown): RangeError & NodeStyleError {
  return make(RangeError, 'ERR_BUFFER_TOO_LARGE', `Cannot create a Buffer larger than ${maxOutputLength} bytes`, cause);
}

/** zlib data error (`Z_DATA_ERROR`, errno -3) or truncation (`Z_BUF_ERROR`, errno -5). */
export function zlibError(code: 'Z_DATA_ERROR' | 'Z_BUF_ERROR', message: string, cause?: unknown): NodeStyleError {
  const err = make(Error, code, message, cause);
  err.errno = code === 'Z_DATA_ERROR' ? constants.Z_DATA_ERROR : constants.Z_BUF_ERROR;
  return err;
}

const DATA_MESSAGES: Record<string, string> = {
  header: 'incorrect header check',
  checksum: 'incorrect data check',
  stream: 'invalid compressed data',
  'trailing-data': 'incorrect header check',
};

/**
 * Maps an error from the plugin to the error node:zlib raises in the same
 * situation; anything else (not a WarpdriveError, or a code with no node
 * counterpart such as `ERR_CONTEXT_CLOSED`) is returned unchanged.
 *
 * @param err - what the plugin threw or rejected with
 * @param maxOutputLength - the limit in force, for the ERR_BUFFER_TOO_LARGE message
 */
export function toNodeError(err: unknown, maxOutputLength: number): unknown {
  if (!isWarpdriveError(err)) return err;
  switch (err.code as string) {
    case 'ERR_DATA_CORRUPT': {
      const reason = String(err.details?.reason ?? 'stream');
      return zlibError('Z_DATA_ERROR', DATA_MESSAGES[reason] ?? DATA_MESSAGES.stream!, err);
    }
    case 'ERR_DATA_TRUNCATED':
      return zlibError('Z_BUF_ERROR', 'unexpected end of file', err);
    case 'ERR_OUTPUT_LIMIT':
      return bufferTooLarge(maxOutputLength, err);
    case 'ERR_INVALID_ARGUMENT': {
      const e = make(TypeError, 'ERR_INVALID_ARG_VALUE', err.message, err);
      return e;
    }
    default:
      return err;
  }
}
