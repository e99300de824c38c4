export declare const repoRoot: string;
export declare const projectFiles: {
  schema: string;
  atlasConfig: string;
  migrations: string;
  sum: string;
  zapatos: string;
  apiShapes: string;
  clientTypes: string;
  dotenv: string;
};
export declare function projectPath(root: string, file: keyof typeof projectFiles): string;
