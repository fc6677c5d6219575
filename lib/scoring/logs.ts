/** Keeps the last `maxChars` characters of a worker's output, noting how much was dropped. */
export class LogBuffer {
  private parts: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxChars = 256 * 1024) {}

  append(text: string): void {
    if (!text) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size > this.maxChars * 2) this.compact();
  }

  private compact(): void {
    const all = this.parts.join("");
    const keep = all.slice(-this.maxChars);
    this.dropped += all.length - keep.length;
    this.parts = [keep];
    this.size = keep.length;
  }

  /** Returns the text so far and empties the buffer. */
  take(): string {
    if (this.size > this.maxChars) this.compact();
    const text = this.parts.join("");
    const note = this.dropped ? `[... ${this.dropped} characters of earlier output dropped ...]\n` : "";
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
    return note + text;
  }
}

const MARK_START = "\x1eBATCHPOINT-END ";
const MARK_END = "\x1e\n";

/**
 * Splits one output stream of a worker at the end markers the harness writes after each
 * request (`\x1eBATCHPOINT-END <id>\x1e\n`), so each mini-batch gets exactly its own output.
 */
export class MarkerSplitter {
  private carry = "";

  constructor(
    private readonly onText: (text: string) => void,
    private readonly onMarker: (id: string) => void,
  ) {}

  push(chunk: string): void {
    let s = this.carry + chunk;
    this.carry = "";
    for (;;) {
      const i = s.indexOf(MARK_START);
      if (i === -1) break;
      const j = s.indexOf(MARK_END, i + MARK_START.length);
      if (j === -1) {
        if (s.length - i > 200) break; // not a marker after all
        this.emit(s.slice(0, i));
        this.carry = s.slice(i);
        return;
      }
      this.emit(s.slice(0, i));
      this.onMarker(s.slice(i + MARK_START.length, j));
      s = s.slice(j + MARK_END.length);
    }
    const k = s.lastIndexOf("\x1e");
    if (k !== -1 && MARK_START.startsWith(s.slice(k))) {
      this.emit(s.slice(0, k));
      this.carry = s.slice(k);
    } else {
      this.emit(s);
    }
  }

  /** Emits anything held back (the stream ended). */
  flush(): void {
    this.emit(this.carry);
    this.carry = "";
  }

  private emit(text: string): void {
    if (text) this.onText(text);
  }
}
