/**
 * The one error class of warpdrive, with stable string codes.
 *
 * Codes never change meaning once published; messages may be reworded. A
 * CQE status (negative errno) maps to exactly one code through
 * {@link errorFromStatus}.
 */
import { ERRNO } from './abi.js';

/** Every code a {@link WarpdriveError} can carry. */
export type WarpdriveErrorCode =
  // argument and lifecycle errors, raised in TypeScript before submission
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_BUFFER_DETACHED'
  | 'ERR_BUFFER_TOO_SMALL'
  | 'ERR_CONTEXT_CLOSED'
  | 'ERR_QUEUE_CLOSED'
  | 'ERR_DEVICE_NOT_FOUND'
  | 'ERR_DEVICE_ATTRIBUTE'
  | 'ERR_DEVICE_BUSY'
  | 'ERR_UNSUPPORTED_OPERATION'
  | 'ERR_PLUGIN'
  | 'ERR_NATIVE_UNAVAILABLE'
  | 'ERR_RING_LAYOUT'
  // completion statuses reported by the device in a CQE
  | 'ERR_OUTPUT_TOO_SMALL'
  | 'ERR_DATA_CORRUPT'
  | 'ERR_DEVICE_FAULT'
  | 'ERR_DEVICE_INVALID_REQUEST'
  | 'ERR_NOT_SUPPORTED_BY_DEVICE'
  | 'ERR_CANCELED'
  | 'ERR_DEVICE_NO_MEMORY'
  | 'ERR_DEVICE'
  // data errors refined by plugins (e.g. plugin-zip) from a CQE's status and detail
  /** Compressed input ends before the end of its stream (no final block or trailer). */
  | 'ERR_DATA_TRUNCATED'
  /** Output would exceed the caller's limit (e.g. `maxOutputLength`): decompression bomb guard. */
  | 'ERR_OUTPUT_LIMIT'
  // crypto errors refined by plugin-crypto
  /** Authenticated decryption failed (e.g. AES-GCM tag mismatch); no plaintext was released. */
  | 'ERR_AUTH_FAILED'
  /** The session was closed (or its handle is unknown to the device). */
  | 'ERR_SESSION_CLOSED';

/** Structured facts about an error, for programs (messages are for people). */
export interface WarpdriveErrorDetails {
  /** Dotted path of the offending argument, e.g. `options.depth`. */
  readonly argument?: string;
  /** Positive errno of a device completion status. */
  readonly errno?: number;
  /** CQE `detail` field (opcode-specific refinement). */
  readonly detail?: number;
  /** Any other fact (device name, attribute, file, sizes). */
  readonly [key: string]: unknown;
}

/** Options of the {@link WarpdriveError} constructor. */
export interface WarpdriveErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Structured details. */
  readonly details?: WarpdriveErrorDetails;
}

/**
 * The error thrown (or rejected with) by every warpdrive API.
 *
 * Branch on {@link WarpdriveError.code}, never on the message.
 */
export class WarpdriveError extends Error {
  /** Stable machine-readable code. */
  readonly code: WarpdriveErrorCode;
  /** Structured details (argument path, errno, ...), if any. */
  readonly details: WarpdriveErrorDetails | undefined;

  /**
   * @param code - stable code
   * @param message - human-readable description
   * @param options - optional `cause` and `details`
   */
  constructor(code: WarpdriveErrorCode, message: string, options: WarpdriveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WarpdriveError';
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True if `value` is a {@link WarpdriveError}, optionally with the given code.
 * Works across realms/bundles (checks the shape, not only the prototype).
 */
export function isWarpdriveError(value: unknown, code?: WarpdriveErrorCode): value is WarpdriveError {
  if (value === null || typeof value !== 'object') return false;
  const isIt =
    value instanceof WarpdriveError ||
    ((value as Error).name === 'WarpdriveError' && typeof (value as WarpdriveError).code === 'string');
  return isIt && (code === undefined || (value as WarpdriveError).code === code);
}

const STATUS_CODES: ReadonlyArray<readonly [number, WarpdriveErrorCode, string]> = [
  [ERRNO.ENOSPC, 'ERR_OUTPUT_TOO_SMALL', 'the device reported that the output buffer is too small'],
  [ERRNO.EBADMSG, 'ERR_DATA_CORRUPT', 'the device reported corrupt input data'],
  [ERRNO.EFAULT, 'ERR_DEVICE_FAULT', 'the device could not access a buffer address'],
  [ERRNO.EINVAL, 'ERR_DEVICE_INVALID_REQUEST', 'the device rejected a malformed request'],
  [ERRNO.EOPNOTSUPP, 'ERR_NOT_SUPPORTED_BY_DEVICE', 'the device does not implement this operation'],
  [ERRNO.ECANCELED, 'ERR_CANCELED', 'the request was canceled before it ran'],
  [ERRNO.ENOMEM, 'ERR_DEVICE_NO_MEMORY', 'the device could not allocate working memory'],
  [ERRNO.EBUSY, 'ERR_DEVICE_BUSY', 'the device is busy'],
];

/**
 * Map a CQE `status` (0 or a negative errno) to a {@link WarpdriveError}.
 *
 * @param status - `cqe.status`; must be non-zero
 * @param detail - `cqe.detail`, kept in `details.detail`
 * @param operation - operation name for the message, e.g. `copy`
 * @returns the error (never throws)
 */
export function errorFromStatus(status: number, detail = 0, operation?: string): WarpdriveError {
  const errno = -status;
  const prefix = operation === undefined ? '' : `${operation}: `;
  for (const [value, code, text] of STATUS_CODES) {
    if (value === errno) {
      return new WarpdriveError(code, `${prefix}${text} (status ${status})`, { details: { errno, detail } });
    }
  }
  return new WarpdriveError('ERR_DEVICE', `${prefix}the device failed the request with status ${status}`, {
    details: { errno, detail },
  });
}
