export declare const patchLabel: string;
export declare const edits: { file: string; why: string; from: string; to: string; count?: number }[];
export declare function applyEdits(read: (file: string) => string): Map<string, string>;
