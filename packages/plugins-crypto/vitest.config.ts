import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Run the conformance suite from source, so tests never see a stale dist.
    alias: { '@warpdrive/conformance': fileURLToPath(new URL('../conformance/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The kernel-device files need /dev/wd_soft-*: they run in the QEMU
    // guest (driver/test/qemu/sdk.sh sets WARPDRIVE_DEVICE=wd_soft-0), never on the
    // host, where they could only skip. In the guest a missing device fails.
    exclude: [...configDefaults.exclude, ...(process.env.WARPDRIVE_DEVICE?.startsWith('wd_soft-') ? [] : ['test/device-kernel*.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
