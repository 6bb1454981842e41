/** Where objects go: the keys of the object layout Confluent's S3 sink uses. */
export interface ObjectLayout {
  readonly topicsDir: string;
  readonly directoryDelim: string;
  readonly fileDelim: string;
  readonly zeroPadWidth: number;
}

/**
 * The key of the object holding the records of `topic`/`partition` from `startOffset`, in the
 * directory `dirPrefix` (`<topic>/<encoded partition>`):
 * `<topics.dir>/<dirPrefix>/<topic>+<partition>+<startOffset zero-padded><extension>`.
 */
export function objectKey(
  layout: ObjectLayout,
  dirPrefix: string,
  topic: string,
  partition: number,
  startOffset: number,
  extension: string,
): string {
  const d = layout.fileDelim;
  const name = `${topic}${d}${partition}${d}${String(startOffset).padStart(layout.zeroPadWidth, '0')}${extension}`;
  const suffix = `${dirPrefix}${layout.directoryDelim}${name}`;
  return layout.topicsDir.trim() === ''
    ? suffix
    : `${layout.topicsDir}${layout.directoryDelim}${suffix}`;
}

/** What an object key says about the records it holds. */
export interface ParsedObjectName {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: number;
  /** Everything after the offset: `.json`, `.keys.avro`, `.headers.json.gz`, ... */
  readonly extension: string;
  /** The key without the extension: value, key and header objects of one range share it. */
  readonly base: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses an object key written by the sink; `null` when it does not name a record range. */
export function parseObjectKey(key: string, layout: ObjectLayout): ParsedObjectName | null {
  const slash = key.lastIndexOf(layout.directoryDelim);
  const name = slash < 0 ? key : key.slice(slash + layout.directoryDelim.length);
  const d = escapeRegExp(layout.fileDelim);
  const match = new RegExp(`^(.+)${d}(\\d+)${d}(\\d+)(\\..*)?$`).exec(name);
  if (!match) return null;
  const extension = match[4] ?? '';
  return {
    key,
    topic: match[1] as string,
    partition: Number(match[2]),
    startOffset: Number(match[3]),
    extension,
    base: key.slice(0, key.length - extension.length),
  };
}
