export declare const repoRoot: string;
export declare const goModDir: string;
export declare const pinnedVersion: string;
export declare const builtBinary: string;
export declare const atlasEnv: { ATLAS_NO_UPDATE_NOTIFIER: string; ATLAS_NO_UPGRADE_SUGGESTIONS: string };
export declare function versionOf(binary: string): string | null;
export declare function findAtlas(): string | null;
export declare function missingAtlasMessage(): string;
