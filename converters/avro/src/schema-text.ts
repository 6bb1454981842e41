/**
 * JSON text of a schema built as plain JS values, where INT64 defaults are bigints: they are
 * written as plain JSON integers, every digit kept (`JSON.stringify` refuses bigints).
 */
export function schemaText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(schemaText).join(',')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) parts.push(`${JSON.stringify(k)}:${schemaText(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new Error(`a ${typeof value} has no JSON form`);
  }
}
