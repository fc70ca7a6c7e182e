/**
 * Failed zip CQEs → WarpdriveError with the contract's codes:
 * `-EBADMSG` + TRUNCATED → `ERR_DATA_TRUNCATED`; other `-EBADMSG` →
 * `ERR_DATA_CORRUPT` with `details.reason`; the rest as core maps them.
 */
import { WarpdriveError, errorFromStatus } from '@warpdrive/core';
import { CORRUPT_REASON, ZIP_DETAIL } from './opcodes.js';

const EBADMSG = 74;

const REASON_TEXT: Readonly<Record<string, string>> = {
  header: 'invalid or unexpected header (wrong format?)',
  stream: 'invalid deflate data',
  checksum: 'checksum mismatch',
  'trailing-data': 'unexpected data after the end of the compressed stream',
};

/** The error for a failed CQE of a zip operation. */
export function zipError(status: number, detail: number, operation: string): WarpdriveError {
  if (status === -EBADMSG && detail === ZIP_DETAIL.TRUNCATED) {
    return new WarpdriveError('ERR_DATA_TRUNCATED', `${operation}: the compressed input is truncated`, {
      details: { errno: EBADMSG, detail },
    });
  }
  if (status === -EBADMSG) {
    const reason = CORRUPT_REASON[detail] ?? 'stream';
    return new WarpdriveError('ERR_DATA_CORRUPT', `${operation}: corrupt input: ${REASON_TEXT[reason]}`, {
      details: { errno: EBADMSG, detail, reason },
    });
  }
  return errorFromStatus(status, detail, operation);
}

/** `ERR_OUTPUT_LIMIT` for output beyond `maxOutputLength`. */
export function outputLimitError(limit: number): WarpdriveError {
  return new WarpdriveError('ERR_OUTPUT_LIMIT', `decompressed output exceeds options.maxOutputLength (${limit} bytes)`, {
    details: { argument: 'options.maxOutputLength', limit },
  });
}
