/**
 * A node:stream Transform whose written chunks are trusted bytes.
 *
 * node's Writable converts a written view that is not a Buffer itself, from
 * the chunk's own `buffer`/`byteOffset`/`byteLength` properties, which the
 * caller's object may answer with anything (and it reads a Proxy's `length`
 * through the Buffer getter, throwing a bare TypeError). This class
 * converts such chunks with the kit first: a Buffer over the view's true
 * bytes, or a typed error delivered as node delivers a refused chunk (the
 * write callback and `'error'`). Strings, null and Buffers pass as node
 * takes them; `_transform` should still take the kit's view of a Buffer.
 */
import { Transform } from 'node:stream';
import { bufferOf, viewOf } from './bytes.js';
import { isTypedArray, lengthOf } from './intrinsics.js';

type WriteCallback = (error: Error | null | undefined) => void;

function trustedChunk(chunk: unknown): unknown {
  if (typeof chunk === 'string' || chunk === null || chunk === undefined) return chunk; // node's own cases
  if (isTypedArray(chunk) && chunk instanceof Buffer) return chunk;
  const view = viewOf(chunk, 'chunk', { expected: 'a string, Buffer, TypedArray or DataView' });
  return bufferOf(view, 0, lengthOf(view), 'chunk');
}

/** A Transform that converts written views with the plugin kit (see the file comment). */
export class TrustedTransform extends Transform {
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    let trusted: unknown;
    try {
      trusted = trustedChunk(chunk);
    } catch (err) {
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (cb !== undefined) process.nextTick(cb, err as Error);
      this.destroy(err as Error);
      return false;
    }
    return super.write(trusted, encoding as BufferEncoding, callback);
  }

  override end(chunk?: unknown, encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof chunk === 'function' || chunk === undefined || chunk === null) return super.end(chunk as () => void);
    let trusted: unknown;
    try {
      trusted = trustedChunk(chunk);
    } catch (err) {
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (cb !== undefined) this.once('error', () => cb());
      this.destroy(err as Error);
      return this;
    }
    return super.end(trusted, encoding as BufferEncoding, callback);
  }
}
