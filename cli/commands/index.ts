/** Every verb of the CLI, in help order. */
import type { Command } from '../command';
import { build } from './build';
import { buildMinirootfsCommand } from './build-minirootfs';
import { dot } from './dot';
import { example } from './example';
import { showConfig } from './show-config';
import { showPackages } from './show-packages';
import { version } from './version';

export const commands: readonly Command[] = [build, buildMinirootfsCommand, showConfig, showPackages, dot, example, version];
