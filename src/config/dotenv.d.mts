export declare function loadDotenv(root: string): void;
