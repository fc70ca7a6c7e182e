/** Argument errors and the refinement of failed crypto CQEs. */
import { WarpdriveError, errorFromStatus, type Cqe } from '@warpdrive/core';
import { argumentError } from '@warpdrive/core/plugin-kit';
import { STATUS } from './abi.js';

/** `ERR_INVALID_ARGUMENT` (or `code`) naming the argument: the kit's argumentError. */
export function argError(argument: string, message: string, code: 'ERR_INVALID_ARGUMENT' | 'ERR_BUFFER_TOO_SMALL' = 'ERR_INVALID_ARGUMENT'): WarpdriveError {
  return argumentError(argument, message, code);
}

/** `ERR_SESSION_CLOSED`. */
export function sessionClosed(what: string): WarpdriveError {
  return new WarpdriveError('ERR_SESSION_CLOSED', `the ${what} session is closed`);
}

/**
 * Error of a failed CQE: -EBADMSG on GCM decryption is `ERR_AUTH_FAILED`
 * (CBC padding errors stay `ERR_DATA_CORRUPT`), -EBADF is `ERR_SESSION_CLOSED`,
 * everything else the standard mapping.
 */
export function cryptoError(cqe: Cqe, operation: string, aead: boolean): WarpdriveError {
  return statusError(cqe.status, operation, aead, cqe.detail);
}

/** {@link cryptoError} of a status alone (a batch entry's). */
export function statusError(status: number, operation: string, aead: boolean, detail = 0): WarpdriveError {
  if (status === STATUS.EBADMSG && aead) {
    return new WarpdriveError('ERR_AUTH_FAILED', `${operation}: authentication failed (tag mismatch); no plaintext was released`, {
      details: { errno: -status, detail },
    });
  }
  if (status === STATUS.EBADMSG) {
    return new WarpdriveError('ERR_DATA_CORRUPT', `${operation}: bad padding`, { details: { errno: -status, detail, reason: 'padding' } });
  }
  if (status === STATUS.EBADF) {
    return new WarpdriveError('ERR_SESSION_CLOSED', `${operation}: the session is closed`, { details: { errno: -status } });
  }
  return errorFromStatus(status, detail, operation);
}
