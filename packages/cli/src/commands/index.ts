import type { Command } from '../command.js';
import { devicesCommand } from './devices.js';

/** Every sub-command, in the order `--help` lists them. */
export const commands: readonly Command[] = [devicesCommand];
