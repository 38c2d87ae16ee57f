/**
 * Small i386 Linux ABI constants shared by the process and several syscall
 * groups (kept apart so that syscall modules import no values from
 * process.ts, which imports them).
 */
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200, AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

/** The guest's pid, tid, process group and session: fixed so that runs are reproducible. */
export const GUEST_PID = 1000;
export const GUEST_PPID = 1;

/** RLIMIT_* resources the VMM gives meaning to. */
export const RLIMIT_STACK = 3, RLIMIT_NOFILE = 7, RLIMIT_AS = 9, RLIM_NLIMITS = 16;
