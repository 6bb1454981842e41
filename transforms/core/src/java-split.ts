/** Java's `String.split` with a literal separator: trailing empty strings are removed. */
export function splitLikeJava(text: string, separator: string): string[] {
  if (text === '') return [''];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
