/**
 * The names and values a function generated for one schema closes over. The readers and writers
 * of struct fields and array items are called from call sites of their own (not from one loop
 * shared by every schema), so V8 can inline them.
 */
export class GeneratedCode {
  private readonly names: string[] = [];
  private readonly values: unknown[] = [];

  /** Makes `value` visible to the generated code as `name`; returns `name`. */
  bind(name: string, value: unknown): string {
    this.names.push(name);
    this.values.push(value);
    return name;
  }

  /** Compiles `body` into `function (<parameters>) { body }` over everything bound. */
  compile<F>(parameters: string, body: string): F {
    const factory = new Function(...this.names, `return function (${parameters}) {\n${body}\n};`);
    return factory(...this.values) as F;
  }
}
