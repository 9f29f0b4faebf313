/**
 * The benchmark's synthetic JumpCloud: sizes, keys and ids shared by the stub (which serves them) and the
 * operations (which ask for them). Ids are computed, not looked up, so building a request costs the load
 * generator nothing and never touches the process under test.
 */
export const SIZES = [1_000, 100_000] as const;
/** Groups per directory: the same number at both sizes, so a group match costs the stub the same. */
export const GROUPS = 200;
/** The stub picks the directory from the caller's key, so one bridge and one proxy serve both sizes. */
export const directoryKey = (size: number): string => `bench-directory-${size}-0123456789abcdef`;
/** The i-th user of a directory: the seeded ones are 0…size-1, created ones follow in order. */
export const userId = (i: number): string => `6a${i.toString(16).padStart(22, '0')}`;
export const groupId = (i: number): string => `5f${i.toString(16).padStart(22, '0')}`;
export const groupName = (i: number): string => `Bench Group ${String(i).padStart(4, '0')}`;
/** syntheticUsers' usernames: user + the index zero-padded to the directory's width. */
export const userName = (i: number, size: number): string => `user${String(i).padStart(String(size - 1).length, '0')}`;

export interface StubStats {
  /** Requests answered, per directory size. */
  calls: Record<string, number>;
  /** TCP connections accepted since start: each is a socket some client opened to "JumpCloud". */
  sockets: number;
}
