/*
 * sec_mmap: every address-space syscall aimed at or across 0xC0000000 (the
 * guest limit; TASK_SIZE of a 3G/1G i386 kernel) — mmap with hints, with
 * MAP_FIXED and MAP_FIXED_NOREPLACE, the old struct mmap, mprotect, munmap,
 * madvise, mremap in place / to a fixed address / with huge sizes, brk.
 * Each line is "<probe>: <result>" followed by "; concealed" plus nothing
 * when write(2) from 0xC0000000, 0xC0010000, 0xC0120000 and 0xFFFFF000 still
 * gives EFAULT afterwards (else "LEAK ..."). A non-fixed mmap prints "below"
 * when the whole mapping lies under 0xC0000000 (Linux ignores an unusable
 * hint). The last probe reads 0xC0000000 directly: SIGSEGV, status 139.
 */
#include <stdio.h>
#include "sec.h"

#define PROT_RW 3
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANON 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MADV_NORMAL 0
#define MADV_DONTNEED 4

static void line(const char *probe, const char *result)
{
    outf("%s: %s; concealed%s\n", probe, result, concealed_check());
}

static void result(const char *probe, long r)
{
    line(probe, res(r));
}

/* Non-fixed anonymous mmap2 with a hint: "below" when [r, r+len) < CONCEALED; the mapping is unmapped again. */
static void hinted(unsigned hint, unsigned len, int prot)
{
    char probe[80];
    long r = SYS6(NR_mmap2, hint, len, prot, MAP_PRIVATE | MAP_ANON, -1, 0);
    snprintf(probe, sizeof probe, "mmap hint %08x len %x prot %d", hint, len, prot);
    if (is_err(r)) { result(probe, r); return; }
    if ((unsigned long)r < CONCEALED && (unsigned long long)(unsigned long)r + len <= CONCEALED) {
        if (prot & 2) *(volatile char *)r = 1;   /* the mapping is usable */
        SYS2(NR_munmap, r, len);
        line(probe, "below");
        return;
    }
    {
        char at[32];
        snprintf(at, sizeof at, "at %08lx", (unsigned long)r);
        line(probe, at);
    }
}

static void fixed(const char *what, unsigned addr, unsigned len, int flags)
{
    char probe[80];
    snprintf(probe, sizeof probe, "mmap %s %08x len %x", what, addr, len);
    result(probe, SYS6(NR_mmap2, addr, len, PROT_RW, MAP_PRIVATE | MAP_ANON | flags, -1, 0));
}

static void old_mmap(unsigned addr, int flags)
{
    unsigned args[6] = {addr, 0x1000, PROT_RW, MAP_PRIVATE | MAP_ANON | flags, (unsigned)-1, 0};
    char probe[80];
    long r = SYS1(NR_mmap, args);
    snprintf(probe, sizeof probe, "old mmap%s %08x", flags ? " fixed" : " hint", addr);
    if (!is_err(r) && (unsigned long)r + 0x1000 <= CONCEALED) { SYS2(NR_munmap, r, 0x1000); line(probe, "below"); }
    else if (!is_err(r)) { char at[32]; snprintf(at, sizeof at, "at %08lx", (unsigned long)r); line(probe, at); }
    else result(probe, r);
}

int main(void)
{
    unsigned char frame[64];
    long m, brk0;
    state_stack(frame);
    state_init();
    out("sec_mmap\n");

    hinted(0xC0000000u, 0x1000, PROT_RW);
    hinted(0xBFFFF000u, 0x2000, PROT_RW);
    hinted(0xF0000000u, 0x1000, PROT_RW);
    hinted(0xFFFFF000u, 0x1000, PROT_RW);
    hinted(0xC0120000u, 0x10000, 5);
    hinted(0x80000000u, 0x40000000u, 0);
    hinted(0xA0000000u, 0x40000000u, 0);
    old_mmap(0xC0000000u, 0);
    fixed("hint", 0, 0xC0001000u, 0);
    fixed("hint", 0, 0xFFFFF001u, 0);

    fixed("fixed", 0xC0000000u, 0x1000, MAP_FIXED);
    fixed("fixed", 0xBFFFF000u, 0x2000, MAP_FIXED);
    fixed("fixed", 0xC0010000u, 0x1000, MAP_FIXED);
    fixed("fixed", 0xFFFFF000u, 0x1000, MAP_FIXED);
    fixed("fixed", 0x40000000u, 0x80001000u, MAP_FIXED);
    fixed("fixed_noreplace", 0xC0000000u, 0x1000, MAP_FIXED_NOREPLACE);
    fixed("fixed_noreplace", 0xC0120000u, 0x1000, MAP_FIXED_NOREPLACE);
    fixed("fixed_noreplace", 0xBFFFF000u, 0x2000, MAP_FIXED_NOREPLACE);
    old_mmap(0xC0000000u, MAP_FIXED);

    result(P("mprotect %08x len %x", 0xC0000000u, 0x1000), SYS3(NR_mprotect, 0xC0000000u, 0x1000, PROT_RW));
    result(P("mprotect %08x len %x", 0xC0010000u, 0x1000), SYS3(NR_mprotect, 0xC0010000u, 0x1000, 7));
    result(P("mprotect %08x len %x", 0xBFFFF000u, 0x2000), SYS3(NR_mprotect, 0xBFFFF000u, 0x2000, PROT_RW));
    result(P("mprotect %08x len %x", 0xFFFFF000u, 0x1000), SYS3(NR_mprotect, 0xFFFFF000u, 0x1000, PROT_RW));

    result(P("munmap %08x len %x", 0xC0000000u, 0x1000), SYS2(NR_munmap, 0xC0000000u, 0x1000));
    result(P("munmap %08x len %x", 0xBFFFF000u, 0x2000), SYS2(NR_munmap, 0xBFFFF000u, 0x2000));
    result(P("munmap %08x len %x", 0xFFFFF000u, 0x1000), SYS2(NR_munmap, 0xFFFFF000u, 0x1000));

    result(P("madvise dontneed %08x len %x", 0xC0000000u, 0x1000), SYS3(NR_madvise, 0xC0000000u, 0x1000, MADV_DONTNEED));
    result(P("madvise normal %08x len %x", 0xC0120000u, 0x1000), SYS3(NR_madvise, 0xC0120000u, 0x1000, MADV_NORMAL));
    result(P("madvise normal %08x len %x", 0xBFFFF000u, 0x2000), SYS3(NR_madvise, 0xBFFFF000u, 0x2000, MADV_NORMAL));

    /* The page just below the limit is the top of the stack (the kernel puts it there too with ADDR_NO_RANDOMIZE). */
    result(P("mremap in place %08x len %x -> +1 page", 0xBFFFF000u, 0x1000), SYS5(NR_mremap, 0xBFFFF000u, 0x1000, 0x2000, 0, 0));
    result(P("mremap concealed %08x len %x", 0xC0000000u, 0x1000), SYS5(NR_mremap, 0xC0000000u, 0x1000, 0x2000, MREMAP_MAYMOVE, 0));
    m = SYS6(NR_mmap2, 0, 0x1000, PROT_RW, MAP_PRIVATE | MAP_ANON, -1, 0);
    result(P("mremap fixed to %08x len %x", 0xC0000000u, 0x1000),
           SYS5(NR_mremap, m, 0x1000, 0x1000, MREMAP_MAYMOVE | MREMAP_FIXED, 0xC0000000u));
    result(P("mremap fixed to %08x len %x", 0xBFFFF000u, 0x2000),
           SYS5(NR_mremap, m, 0x1000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, 0xBFFFF000u));
    result(P("mremap fixed to %08x len %x", 0xFFFFF000u, 0x1000),
           SYS5(NR_mremap, m, 0x1000, 0x1000, MREMAP_MAYMOVE | MREMAP_FIXED, 0xFFFFF000u));
    result(P("mremap new len %x", 0xFFFFFFFFu), SYS5(NR_mremap, m, 0x1000, 0xFFFFFFFFu, MREMAP_MAYMOVE, 0));
    result(P("mremap new len %x maymove", 0xC0001000u), SYS5(NR_mremap, m, 0x1000, 0xC0001000u, MREMAP_MAYMOVE, 0));
    result(P("mremap new len %x", 0xC0001000u), SYS5(NR_mremap, m, 0x1000, 0xC0001000u, 0, 0));
    result(P("mremap old len %x", 0xFFFFFFFFu), SYS5(NR_mremap, m, 0xFFFFFFFFu, 0x1000, MREMAP_MAYMOVE, 0));
    result(P("mremap old len %x", 0x80000000u), SYS5(NR_mremap, m, 0x80000000u, 0x1000, 0, 0));
    *(volatile char *)m = 7;
    line("mremap source mapping still usable", *(volatile char *)m == 7 ? "yes" : "NO");

    brk0 = SYS1(NR_brk, 0);
    line(P("brk %08x", 0xC0001000u), SYS1(NR_brk, 0xC0001000u) == brk0 ? "unchanged" : "MOVED");
    line(P("brk %08x", 0xFFFFF000u), SYS1(NR_brk, 0xFFFFF000u) == brk0 ? "unchanged" : "MOVED");
    line(P("brk %08x", 0xBFFFF000u), SYS1(NR_brk, 0xBFFFF000u) == brk0 ? "unchanged" : "MOVED");

    report_state();
    out("read c0000000 directly\n");
    return *(volatile unsigned char *)CONCEALED;
}
