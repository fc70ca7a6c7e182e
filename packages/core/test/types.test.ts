/**
 * createContext merges every plugin's methods onto the context, with types.
 * The type assertions are checked by `pnpm typecheck` (tsconfig.test.json);
 * the runtime assertions check the merge itself.
 */
import { describe, expect, expectTypeOf, it, vi } from 'vitest';

vi.mock('../src/native-module.js', () => import('./helpers/mock-native-module.js'));
const { createContext, coreOps, definePlugin } = await import('../src/index.js');

const hello = () =>
  definePlugin({
    name: 'hello',
    algorithms: [],
    operations: {},
    extend: () => ({ hello: (who: string): string => `hello ${who}` }),
  });

describe('plugin extensions are typed and merged', () => {
  it('Context & ExtOfA & ExtOfB', async () => {
    const ctx = await createContext({ plugins: [coreOps(), hello()] });
    expectTypeOf(ctx.copy).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(ctx.crc32).parameter(1).toEqualTypeOf<number | undefined>();
    expectTypeOf(ctx.hello).toEqualTypeOf<(who: string) => string>();
    expectTypeOf(ctx.close).returns.toEqualTypeOf<Promise<void>>();
    expect(ctx.hello('you')).toBe('hello you');
    expect(await ctx.crc32(Buffer.from('hello'))).toBe(0x3610a686);
    await ctx.close();
  });

  it('no plugins: a plain Context without extension methods', async () => {
    const ctx = await createContext({ plugins: [] });
    // @ts-expect-error nop comes only with coreOps()
    expect(ctx.nop).toBeUndefined();
    await expect(ctx.run('nop')).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_OPERATION' });
    await ctx.close();
  });

  it('two plugins adding the same method → ERR_PLUGIN', async () => {
    const again = () => definePlugin({ name: 'again', algorithms: [], operations: {}, extend: () => ({ hello: () => 'x' }) });
    await expect(createContext({ plugins: [hello(), again()] })).rejects.toMatchObject({ code: 'ERR_PLUGIN', message: expect.stringContaining("method 'hello' conflicts with plugin 'hello'") });
  });
});
