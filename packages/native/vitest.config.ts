import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The kernel-device file needs /dev/wd_soft-*: it runs in the QEMU guest
    // (driver/test/qemu/sdk.sh sets WARPDRIVE_DEVICE=wd_soft-0), never on the host.
    exclude: [...configDefaults.exclude, ...(process.env.WARPDRIVE_DEVICE?.startsWith('wd_soft-') ? [] : ['test/device-kernel*.test.ts'])],
    // Child processes: a native crash fails one file, not the runner.
    pool: 'forks',
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});
