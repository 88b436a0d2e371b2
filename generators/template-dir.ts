/**
 * Where a generator's `files/` templates are. The build compiles only .ts
 * into dist/, so the templates ship from the source folders
 * (`generators/<name>/files`), which is also where they are when the
 * generator runs from source in tests.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The templates folder of generator `name`, from source or from dist/generators/<name>/. */
export function templateDir(dirname: string, name: string): string {
  const beside = join(dirname, 'files');
  return existsSync(beside) ? beside : join(dirname, '..', '..', '..', 'generators', name, 'files');
}
