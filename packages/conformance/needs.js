// Shared by every package's tests (core's and the CLI's too, which cannot
// depend on @warpdrive/conformance: core is its dependency). Plain JS with a
// hand-written needs.d.ts, so a test imports it by relative path without a
// build and without crossing a package's TypeScript rootDir.

/**
 * Whether this run is CI: the environment variable `CI` is set and not empty
 * (the same test as the shell scripts' `[ -n "${CI:-}" ]`).
 */
export function inCi() {
  const v = process.env.CI;
  return v !== undefined && v !== '';
}

/**
 * Decide what a test does when something it needs is missing.
 *
 * @param {boolean} present - the requirement is met
 * @param {string} reason - what is missing and where it comes from, e.g.
 *   "python3-cryptography-vectors is not installed (scripts/setup.sh installs it)"
 * @returns {boolean} true when the test may skip (missing, not CI), false when it runs
 * @throws {Error} when it is missing and `CI` is set: under CI nothing skips
 *   silently, the test (or the file, at collection time) fails with the reason
 */
export function needs(present, reason) {
  if (present) return false;
  if (inCi()) throw new Error(`missing requirement: ${reason} (CI is set: failing instead of skipping)`);
  console.warn(`skipped: ${reason}`);
  return true;
}
