/**
 * The lock of sealed workflow versions (contract §13): each sealed folder's files and their sha256.
 * Written by `npm run onegate -- workflows seal <name>@<version>`, checked by `workflows check` (and
 * CI); never edited by hand. A sealed version that must change becomes a new version instead.
 */
export interface SealedVersion {
  workflow: string;
  version: number;
  /** The version's folder under workflows/. */
  folder: string;
  /** sha256 of the folder's `sha256sum` listing (the `files` below, sorted by path). */
  sha256: string;
  files: Readonly<Record<string, string>>;
}

export const SEALED: readonly SealedVersion[] = [];
