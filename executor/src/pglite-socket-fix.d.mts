export declare function patchPgliteSocketServer(server: unknown, opts?: { groupMessages?: boolean }): void;
