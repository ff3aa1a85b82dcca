/** Where `parley talk` reads lines and writes replies and notices. */
export interface TalkIo {
  input: NodeJS.ReadableStream;
  /** Replies (or, with --json, the events): stdout. */
  output: NodeJS.WritableStream;
  /** A line for the user that is not a reply (stderr). */
  notice(line: string): void;
  /** Input and output are a terminal: a prompt is shown and replies are labelled. */
  interactive: boolean;
}

export function processIo(): TalkIo {
  return {
    input: process.stdin,
    output: process.stdout,
    notice: (line) => process.stderr.write(`${line}\n`),
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  };
}
