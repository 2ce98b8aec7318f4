// The one shape for an error that is reported by its code: logs, API answers
// and transfer outcomes carry `code` (a BioT code, an errno, our own name for
// what happened); the message is words for a person. Subclasses set `name`
// themselves: bundling renames classes, and the name appears in logs.

export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
