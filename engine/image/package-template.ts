/**
 * `show-packages --format` with a template of its own, as apko takes one (a
 * Go text/template executed once per package): `{{.Name}}`, `{{.Version}}`
 * and `{{.Source}}`, with or without spaces inside the braces; everything
 * else is literal text. Actions beyond a field (pipelines, functions,
 * conditionals) are refused by name rather than printed wrong.
 */
import { FormatError } from '../errors';

/** The fields a template may name, as apko names them. */
export interface TemplateFields {
  readonly name: string;
  readonly version: string;
  readonly source: string;
}

const FIELDS: Readonly<Record<string, keyof TemplateFields>> = { Name: 'name', Version: 'version', Source: 'source' };

const HINT = 'use {{.Name}}, {{.Version}} and {{.Source}} with any text around them, or one of the named formats';

/** Compiles a template into a line renderer; throws FormatError naming the action it cannot run. */
export function compilePackageTemplate(template: string): (p: TemplateFields) => string {
  const parts: Array<string | keyof TemplateFields> = [];
  let pos = 0;
  for (;;) {
    const open = template.indexOf('{{', pos);
    if (open < 0) break;
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new FormatError(`--format ${JSON.stringify(template)}: "{{" at ${open + 1} is never closed`, { hint: HINT });
    parts.push(template.slice(pos, open));
    const action = template.slice(open + 2, close).replace(/^-\s|\s-$/g, '').trim();
    const m = /^\.([A-Za-z]+)$/.exec(action);
    const field = m === null ? undefined : FIELDS[m[1]!];
    if (field === undefined) {
      const what = m === null ? `the action {{${action}}}` : `the field .${m[1]} (a package has .Name, .Version and .Source)`;
      throw new FormatError(`--format ${JSON.stringify(template)}: cannot run ${what}`, { hint: HINT });
    }
    parts.push(field);
    pos = close + 2;
  }
  parts.push(template.slice(pos));
  return (p) => parts.map((x, i) => (i % 2 === 1 ? p[x as keyof TemplateFields] : x)).join('');
}
