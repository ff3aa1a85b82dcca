/**
 * A full garbage collection, for tests of what memory is let go. `gc` is reached without
 * `--expose-gc` on the command line: the flag is set at run time and the function read from a
 * fresh context, so only the tests that ask pay for it and the vitest configuration stays as it is.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects twice, with a turn of the event loop before each: WeakRefs read in this turn, closed sockets and aborted requests are let go first. */
export async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
  }
}
