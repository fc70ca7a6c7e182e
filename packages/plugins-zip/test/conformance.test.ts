/**
 * plugin-zip through the shared conformance suite on the in-process soft
 * device (the kernel device's run is device-kernel.test.ts, in the QEMU
 * guest of the driver tests).
 */
import { createContext } from '@warpdrive/core';
import { defineConformanceSuite } from '@warpdrive/conformance';
import zip from '../src/index.js';
import { zipConformanceTarget } from './conformance-spec.js';
import { realText, samples } from './helpers.js';

const open = (o: { queues?: number; workers?: number } = {}) => createContext({ plugins: [zip()], ...o });
type Ctx = Awaited<ReturnType<typeof open>>;

defineConformanceSuite(zipConformanceTarget<Ctx>({
  backend: { name: 'soft', open },
  samples: samples(),
  text: realText(256 * 1024),
  sync: true,
  concurrency: { inFlight: 96, queues: 4, base: 4096 },
}));
