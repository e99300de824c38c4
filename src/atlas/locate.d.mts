export declare const goModDir: string;
export declare const cliVersion: string;
export declare const pinnedVersion: string;
export declare const builtBinary: string;
export declare const atlasEnv: { ATLAS_NO_UPDATE_NOTIFIER: string; ATLAS_NO_UPGRADE_SUGGESTIONS: string };
export declare function versionOf(binary: string): string | null;
export type LocatedAtlas = (
  { path: string; version: string; source: 'ATLAS_BIN' | 'PATH' | 'built' } | { path: null; problem: string; missing: boolean }
) & { passedOver: string[] };
export declare function locateAtlas(env?: NodeJS.ProcessEnv): LocatedAtlas;
export declare function missingAtlasMessage(): string;
