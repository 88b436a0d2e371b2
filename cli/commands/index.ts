/** Every verb of the CLI, in help order. */
import type { Command } from '../command';
import { build } from './build';
import { buildCpioCommand } from './build-cpio';
import { buildMinirootfsCommand } from './build-minirootfs';
import { clean } from './clean';
import { dot } from './dot';
import { example } from './example';
import { installKeysCommand } from './install-keys';
import { lock, resolveCommand } from './lock';
import { login } from './login';
import { melangeBuildCommand } from './melange-build';
import { melangeIndexCommand } from './melange-index';
import { melangeKeygenCommand } from './melange-keygen';
import { melangeLintCommand } from './melange-lint';
import { melangeTestCommand } from './melange-test';
import { melangeSignIndexCommand } from './melange-sign-index';
import { melangeSignCommand } from './melange-sign';
import { melangeQueryCommand } from './melange-query';
import { melangePackageVersionCommand } from './melange-package-version';
import { melangeVersionCommand } from './melange-version';
import { melangeBumpCommand } from './melange-bump';
import { melangeCompileCommand } from './melange-compile';
import { publish } from './publish';
import { showConfig } from './show-config';
import { showPackages } from './show-packages';
import { version } from './version';

export const commands: readonly Command[] = [build, publish, buildMinirootfsCommand, buildCpioCommand, showConfig, showPackages, dot, lock, resolveCommand, installKeysCommand, login, clean, melangeBuildCommand, melangeKeygenCommand, melangeIndexCommand, melangeSignIndexCommand, melangeLintCommand, melangeTestCommand, melangeSignCommand, melangePackageVersionCommand, melangeQueryCommand, melangeVersionCommand, melangeBumpCommand, melangeCompileCommand, example, version];
