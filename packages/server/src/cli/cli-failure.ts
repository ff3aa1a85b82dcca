/** Something a command could not do, said in one message for its user: exit code 1, no stack trace. */
export class CliFailure extends Error {
  override name = 'CliFailure';
}
