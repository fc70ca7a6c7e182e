/** Whether this run is CI: the environment variable `CI` is set and not empty. */
export declare function inCi(): boolean;
/**
 * `describe.skipIf(needs(hasThing, 'why'))`: true (skip, reason printed) when
 * `present` is false outside CI; throws with `reason` when it is false under CI;
 * false when present.
 */
export declare function needs(present: boolean, reason: string): boolean;
