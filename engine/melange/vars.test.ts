import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { configSubstitutions, resolveVars } from './substitutions';
import { MAX_VAR_DEPTH } from './vars';

const pkg = configSubstitutions({ name: 'hello', version: '1.2.3', epoch: 0, description: '' });
const resolve = (vars: Record<string, string>, literal: string[] = []) => resolveVars(pkg, vars, { transforms: [], file: 'melange.yaml', literal: new Set(literal) });

function refusal(vars: Record<string, string>): ConfigError {
  try {
    resolve(vars);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('vars that refer to vars', () => {
  it('resolves a chain depth first, whatever the order of the keys', () => {
    const out = resolve({ a: '${{vars.b}}-a', b: '${{vars.c}}-b', c: '${{package.version}}' });
    expect([out.get('vars.a'), out.get('vars.b'), out.get('vars.c')]).toEqual(['1.2.3-b-a', '1.2.3-b', '1.2.3']);
  });

  it('refuses a var that refers to itself, naming the file and the var', () => {
    const err = refusal({ a: 'x${{vars.a}}' });
    expect(err.message).toBe('melange.yaml: vars.a refers to itself (a: x${{vars.a}})');
    expect(err.file).toBe('melange.yaml');
    expect(err.hint).toBe('give one of them a value that does not lead back to it');
  });

  it('refuses a cycle, naming every var in it in order', () => {
    expect(refusal({ a: '${{vars.b}}', b: '${{ vars.c }}', c: '${{vars.a}}', d: 'fine' }).message).toBe(
      'melange.yaml: vars a → b → c → a refer to each other in a cycle (a: ${{vars.b}}, b: ${{ vars.c }}, c: ${{vars.a}})',
    );
  });

  it('refuses a chain deeper than the limit with a message, not a stack overflow', () => {
    const vars: Record<string, string> = {};
    for (let i = 0; i < MAX_VAR_DEPTH + 5; i++) vars[`v${String(i).padStart(4, '0')}`] = `\${{vars.v${String(i + 1).padStart(4, '0')}}}`;
    vars[`v${String(MAX_VAR_DEPTH + 5).padStart(4, '0')}`] = 'end';
    expect(refusal(vars).message).toMatch(/^melange\.yaml: vars\.v0000: refers through more than 64 other vars \(v0000 → v0001 → v0002 → v0003 → …\)$/);
  });

  it('refuses a reference to a var that does not exist, naming the var that makes it', () => {
    const err = refusal({ a: '${{vars.missing}}' });
    expect(err.message).toBe('melange.yaml: vars.a: ${{vars.missing}} is not defined');
  });

  it('keeps command-line values literal: neither references nor shell in them are interpreted here', () => {
    const out = resolve({ a: '${{vars.a}}', b: '$(touch /tmp/x) `id` ${{vars.b}}', c: '${{vars.a}}' }, ['a', 'b']);
    expect(out.get('vars.a')).toBe('${{vars.a}}');
    expect(out.get('vars.b')).toBe('$(touch /tmp/x) `id` ${{vars.b}}');
    // A file's var may use a literal one: it gets its text, not a second pass over it.
    expect(out.get('vars.c')).toBe('${{vars.a}}');
  });
});
