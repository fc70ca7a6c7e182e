/**
 * Where an async request runs. A small request is cheaper on the inline
 * path (the calling thread runs the engine: ~1 µs of AES for 256 B) than a
 * queue round trip (doorbell, worker wake-up, completion event: several µs,
 * tens when a vCPU must wake). Measured on 2 vCPUs: up to 64 KiB the inline
 * path wins; by 1 MiB the workers do. node:crypto itself runs every size
 * on the calling thread. `inlineMaxBytes` (plugin option) sets the cut.
 */
import type { PluginHost } from '@warpdrive/core';
import { srcLength, type CryptoRequest } from './codec.js';

/** Default `inlineMaxBytes`: messages up to this size run inline. */
export const DEFAULT_INLINE_MAX = 16 * 1024;

/** Run `request` inline (settled promise) when small, else on a queue. */
export function dispatch<R>(host: PluginHost, op: string, request: CryptoRequest<R>, inlineMax: number): Promise<R> {
  if (srcLength(request) <= inlineMax) {
    try {
      return Promise.resolve(host.runSync<R>(op, request));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return host.run<R>(op, request);
}
