import type { Command } from '../command.js';
import { compressCommand } from './compress.js';
import { decompressCommand } from './decompress.js';
import { decryptCommand } from './decrypt.js';
import { devicesCommand } from './devices.js';
import { digestCommand } from './digest.js';
import { encryptCommand } from './encrypt.js';

/** Every sub-command, in the order `--help` lists them. */
export const commands: readonly Command[] = [devicesCommand, compressCommand, decompressCommand, encryptCommand, decryptCommand, digestCommand];
