import type { Socket } from "node:net";
export declare function md5PasswordAnswer(password: string, user: string, salt: Buffer): string;
export declare function authenticate(socket: Socket, password: string): Promise<{ startup: Buffer; rest: Buffer } | null>;
export declare function requirePassword(server: unknown, password: string): void;
