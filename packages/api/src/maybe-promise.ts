/** A value, or a promise of it: the runtime awaits only when a Promise comes back. */
export type MaybePromise<T> = T | Promise<T>;
