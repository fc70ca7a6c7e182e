import { describe, expect, it } from 'vitest';
import { ERRNO } from '../src/abi.js';
import { WarpdriveError, errorFromStatus, isWarpdriveError } from '../src/errors.js';

describe('WarpdriveError', () => {
  it('carries a stable code, a cause and structured details', () => {
    const cause = new Error('inner');
    const err = new WarpdriveError('ERR_INVALID_ARGUMENT', 'bad', { cause, details: { argument: 'options.depth' } });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('WarpdriveError');
    expect(err.code).toBe('ERR_INVALID_ARGUMENT');
    expect(err.cause).toBe(cause);
    expect(err.details?.argument).toBe('options.depth');
  });

  it('isWarpdriveError recognises the class and filters by code', () => {
    const err = new WarpdriveError('ERR_QUEUE_CLOSED', 'closed');
    expect(isWarpdriveError(err)).toBe(true);
    expect(isWarpdriveError(err, 'ERR_QUEUE_CLOSED')).toBe(true);
    expect(isWarpdriveError(err, 'ERR_CANCELED')).toBe(false);
    expect(isWarpdriveError(new Error('x'))).toBe(false);
    expect(isWarpdriveError(null)).toBe(false);
    expect(isWarpdriveError({ name: 'WarpdriveError', code: 'ERR_PLUGIN' })).toBe(true);
  });
});

describe('errorFromStatus maps every CQE status to one code', () => {
  const cases: Array<[number, string]> = [
    [ERRNO.ENOSPC, 'ERR_OUTPUT_TOO_SMALL'],
    [ERRNO.EBADMSG, 'ERR_DATA_CORRUPT'],
    [ERRNO.EFAULT, 'ERR_DEVICE_FAULT'],
    [ERRNO.EINVAL, 'ERR_DEVICE_INVALID_REQUEST'],
    [ERRNO.EOPNOTSUPP, 'ERR_NOT_SUPPORTED_BY_DEVICE'],
    [ERRNO.ECANCELED, 'ERR_CANCELED'],
    [ERRNO.ENOMEM, 'ERR_DEVICE_NO_MEMORY'],
    [ERRNO.EBUSY, 'ERR_DEVICE_BUSY'],
    [ERRNO.EPERM, 'ERR_DEVICE'],
    [999, 'ERR_DEVICE'],
  ];
  for (const [errno, code] of cases) {
    it(`-${errno} → ${code} with details.errno`, () => {
      const err = errorFromStatus(-errno, 7, 'copy');
      expect(err.code).toBe(code);
      expect(err.details?.errno).toBe(errno);
      expect(err.details?.detail).toBe(7);
      expect(err.message).toMatch(/^copy: /);
    });
  }
});
