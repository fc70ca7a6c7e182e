import type { Command } from '../command.js';
import { compressCommand } from './compress.js';
import { decompressCommand } from './decompress.js';
import { devicesCommand } from './devices.js';

/** Every sub-command, in the order `--help` lists them. */
export const commands: readonly Command[] = [devicesCommand, compressCommand, decompressCommand];
