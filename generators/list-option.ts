/** A list option as Nx passes it: an array, or one comma-separated string from the command line. */
export function listOption(v: readonly string[] | string | undefined): string[] {
  if (v === undefined) return [];
  return (typeof v === 'string' ? v.split(',') : [...v]).map((s) => s.trim()).filter(Boolean);
}
