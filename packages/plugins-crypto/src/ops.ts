/** Operation names the plugin registers (unique per context). */
export const OPS = {
  cipher: 'crypto.cipher',
  digest: 'crypto.digest',
  sessionOpen: 'crypto.sessionOpen',
  sessionClose: 'crypto.sessionClose',
  sessionCipher: 'crypto.sessionCipher',
  sessionHash: 'crypto.sessionHash',
  info: 'crypto.info',
  sessionBatch: 'crypto.sessionBatch',
  digestBatch: 'crypto.digestBatch',
} as const;
