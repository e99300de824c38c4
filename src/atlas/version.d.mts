export declare function parseVersion(output: string | null | undefined): string | null;
export declare function atLeast(version: string, minimum: string): boolean;
export declare const minimumVersion: string;
export declare function opensPostgres16(version: string): boolean;
export declare function capabilities(version: string): { concurrentIndexAnalyzer: boolean; namingAnalyzer: boolean };
