/**
 * Exit statuses cdvm itself uses. A guest's own status (0-255, or 128+N for
 * death by signal N) passes through unchanged; these follow shell and
 * timeout(1) conventions so scripts can tell "the VM refused" from "the guest said".
 */
export const EXIT_INSN_LIMIT = 124; // --max-insns reached, like timeout(1)
export const EXIT_VMM = 125;        // the VMM gave up: unsupported guest feature under --strict, internal error
export const EXIT_NOEXEC = 126;     // not a program cdvm can run (bad or unsupported ELF)
export const EXIT_NOTFOUND = 127;   // program file missing or unreadable
export const EXIT_USAGE = 2;        // bad command line

/** A bad command line (option value, missing manifest...): the subcommand reports it and exits with EXIT_USAGE. */
export class UsageError extends Error {}
