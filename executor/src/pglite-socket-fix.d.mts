export declare function patchPgliteSocketServer(server: unknown): void;
