# Sourced by guest-tests/build.sh and bench/build.sh.
# multicall_c <prefix> <name>...: prints the C source of a multi-call
# dispatcher. Each program's main was compiled as <prefix><name>; the
# dispatcher runs the one named by basename(argv[0]), else the one named by
# argv[1] (with argv shifted), else lists the names on stderr and returns 127.
multicall_c() {
    local prefix="$1" name
    shift
    echo '#include <string.h>'
    echo '#include <unistd.h>'
    for name in "$@"; do echo "int $prefix$name(int, char **, char **);"; done
    echo 'static const struct { const char *n; int (*f)(int, char **, char **); } progs[] = {'
    for name in "$@"; do echo "    {\"$name\", $prefix$name},"; done
    echo '};'
    cat <<'CEOF'
int main(int argc, char **argv, char **envp)
{
    unsigned i, n = sizeof progs / sizeof progs[0];
    const char *b = argc > 0 && argv[0] ? argv[0] : "";
    const char *s = strrchr(b, '/');
    if (s) b = s + 1;
    for (i = 0; i < n; i++)
        if (strcmp(b, progs[i].n) == 0) return progs[i].f(argc, argv, envp);
    if (argc > 1)
        for (i = 0; i < n; i++)
            if (strcmp(argv[1], progs[i].n) == 0) return progs[i].f(argc - 1, argv + 1, envp);
    write(2, "multi-call: unknown program; use argv[0] or argv[1] =", 53);
    for (i = 0; i < n; i++) { write(2, " ", 1); write(2, progs[i].n, strlen(progs[i].n)); }
    write(2, "\n", 1);
    return 127;
}
CEOF
}
