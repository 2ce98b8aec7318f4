// What the per-OS service modules share: how an install is asked for, and
// what status answers (the command turns it into a line and an exit code).

export interface InstallOptions {
  /** Say what would be done; change nothing. */
  dryRun: boolean;
  /** The config file holds the password or secret key itself (else it must come from the service's environment). */
  secretInConfig: boolean;
  /** Windows: the WinSW 2 exe to install as the service wrapper. */
  winsw?: string | undefined;
}

export interface ServiceState {
  installed: boolean;
  running: boolean;
  /** One line for the person: state, process, where its output goes. */
  words: string;
}
