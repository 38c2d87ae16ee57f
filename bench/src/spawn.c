/* spawn: process round trips — fork, execve of this program (a child that
   exits at once with a status of its own), wait4 — as a shell pays for
   every external command. */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "child") == 0) return atoi(argv[2]) & 0x7f;
    long reps = bench_size(argc, argv, 20, 400);
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) { perror("readlink"); return 1; }
    self[len] = 0;
    uint32_t sum = 0;
    for (long r = 0; r < reps; r++) {
        char arg[16];
        snprintf(arg, sizeof arg, "%ld", r);
        pid_t pid = fork();
        if (pid == 0) {
            execl(self, "spawn", "child", arg, (char *)NULL);
            _exit(127);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) { fprintf(stderr, "spawn: round trip %ld failed\n", r); return 1; }
        sum = mix32(sum, (uint32_t)WEXITSTATUS(st));
    }
    printf("round_trips=%ld\nchecksum=%08x\n", reps, sum);
    return 0;
}
