/**
 * What a terminal would show after some output: enough of a VT100 for progress displays —
 * text, `\r`, `\n`, cursor up (`ESC[nA`), erase to the end of the screen (`ESC[J`) and of the
 * line (`ESC[K`). Anything else in an escape sequence fails, so a display that relies on more
 * is noticed.
 */
export class TerminalScreen {
  readonly lines: string[] = [''];
  #row = 0;
  #column = 0;

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (char === '\x1b') {
        const match = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i));
        if (!match) throw new Error(`unsupported escape at ${JSON.stringify(text.slice(i, i + 8))}`);
        this.#escape(Number(match[1] || 1), match[2]!);
        i += match[0].length - 1;
      } else if (char === '\r') {
        this.#column = 0;
      } else if (char === '\n') {
        this.#row++;
        this.#column = 0;
        while (this.lines.length <= this.#row) this.lines.push('');
      } else {
        const line = this.lines[this.#row]!.padEnd(this.#column);
        this.lines[this.#row] = line.slice(0, this.#column) + char + line.slice(this.#column + 1);
        this.#column++;
      }
    }
  }

  /** The screen's lines, without the empty one the cursor may sit on at the end. */
  get text(): string[] {
    return this.lines.at(-1) === '' ? this.lines.slice(0, -1) : [...this.lines];
  }

  #escape(count: number, command: string): void {
    switch (command) {
      case 'A':
        this.#row = Math.max(0, this.#row - count);
        return;
      case 'J':
        this.lines[this.#row] = this.lines[this.#row]!.slice(0, this.#column);
        this.lines.length = this.#row + 1;
        return;
      case 'K':
        this.lines[this.#row] = this.lines[this.#row]!.slice(0, this.#column);
        return;
      default:
        throw new Error(`unsupported escape command ${command}`);
    }
  }
}
