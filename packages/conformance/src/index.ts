/**
 * @warpdrive/conformance: the shared plugin conformance suite (placeholder
 * export; the suites land in the next commit).
 */
export {};
