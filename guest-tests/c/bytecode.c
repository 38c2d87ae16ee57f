/* bytecode: a small stack-machine bytecode interpreter (push, arithmetic,
 * jumps, calls/returns, locals) running programs for gcd, a factorial table
 * and a prime count; exercises dispatch via switch and computed goto. */
#include <stdio.h>
#include <stdint.h>

enum { PUSH, POP, ADD, SUB, MUL, DIV, MOD, DUP, SWAP, OVER, JMP, JZ, JNZ, LT, EQ,
       LOAD, STORE, PRINT, CALL, RET, HALT };

static int32_t run(const int32_t *code, int trace_limit)
{
    int32_t st[256], vars[16] = {0};
    int32_t rs[64];
    int sp = 0, rp = 0, pc = 0, steps = 0;
    for (;;) {
        int32_t op = code[pc++], a, b;
        steps++;
        if (steps <= trace_limit) printf("  pc=%d op=%d sp=%d\n", pc - 1, op, sp);
        switch (op) {
        case PUSH: st[sp++] = code[pc++]; break;
        case POP: sp--; break;
        case ADD: b = st[--sp]; a = st[--sp]; st[sp++] = a + b; break;
        case SUB: b = st[--sp]; a = st[--sp]; st[sp++] = a - b; break;
        case MUL: b = st[--sp]; a = st[--sp]; st[sp++] = a * b; break;
        case DIV: b = st[--sp]; a = st[--sp]; st[sp++] = a / b; break;
        case MOD: b = st[--sp]; a = st[--sp]; st[sp++] = a % b; break;
        case DUP: st[sp] = st[sp - 1]; sp++; break;
        case SWAP: a = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = a; break;
        case OVER: st[sp] = st[sp - 2]; sp++; break;
        case JMP: pc = code[pc]; break;
        case JZ: a = st[--sp]; pc = a == 0 ? code[pc] : pc + 1; break;
        case JNZ: a = st[--sp]; pc = a != 0 ? code[pc] : pc + 1; break;
        case LT: b = st[--sp]; a = st[--sp]; st[sp++] = a < b; break;
        case EQ: b = st[--sp]; a = st[--sp]; st[sp++] = a == b; break;
        case LOAD: st[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = st[--sp]; break;
        case PRINT: printf("%d\n", st[--sp]); break;
        case CALL: rs[rp++] = pc + 1; pc = code[pc]; break;
        case RET: pc = rs[--rp]; break;
        case HALT: printf("halt after %d steps, sp=%d\n", steps, sp); return sp ? st[sp - 1] : 0;
        default: printf("bad opcode %d\n", op); return -1;
        }
    }
}

/* a second interpreter using computed goto (labels as values) */
static int64_t run_threaded(int n)
{
    static const unsigned char prog[] = {0, 1, 2, 3, 4};
    static void *lbl[] = {&&l_inc, &&l_dbl, &&l_xor, &&l_loop, &&l_end};
    int64_t acc = 1;
    int i = 0, pc = 0;
    goto *lbl[prog[pc]];
l_inc: acc += i; pc++; goto *lbl[prog[pc]];
l_dbl: acc = acc * 3 % 1000000007; pc++; goto *lbl[prog[pc]];
l_xor: acc ^= i * 0x9e37; pc++; goto *lbl[prog[pc]];
l_loop: if (++i < n) pc = 0; else pc++; goto *lbl[prog[pc]];
l_end: return acc;
}

static int32_t prog[200];
static unsigned k;
#define E(x) (prog[k++] = (x))

int main(void)
{
    /* gcd(1071, 462) by Euclid: var0=a var1=b */
    k = 0;
    E(PUSH); E(1071); E(STORE); E(0); E(PUSH); E(462); E(STORE); E(1);
    unsigned loop = k; E(LOAD); E(1); E(JZ); unsigned fix_done = k; E(0);
    E(LOAD); E(0); E(LOAD); E(1); E(MOD); E(LOAD); E(1); E(STORE); E(0); E(STORE); E(1);
    E(JMP); E(loop);
    prog[fix_done] = k; E(LOAD); E(0); E(PRINT); E(HALT);
    run(prog, 12);

    /* factorials 1..12 via a CALL'd subroutine (var2=i, var3=r, var4=j) */
    k = 0;
    E(PUSH); E(1); E(STORE); E(2);
    unsigned top = k; E(LOAD); E(2); E(PUSH); E(13); E(LT); E(JZ); unsigned fix_end = k; E(0);
    E(CALL); unsigned fix_call = k; E(0);
    E(PRINT); E(LOAD); E(2); E(PUSH); E(1); E(ADD); E(STORE); E(2); E(JMP); E(top);
    prog[fix_end] = k; E(HALT);
    prog[fix_call] = k; E(PUSH); E(1); E(STORE); E(3); E(LOAD); E(2); E(STORE); E(4);
    unsigned fl = k; E(LOAD); E(4); E(JZ); unsigned fix_ret = k; E(0);
    E(LOAD); E(3); E(LOAD); E(4); E(MUL); E(STORE); E(3);
    E(LOAD); E(4); E(PUSH); E(1); E(SUB); E(STORE); E(4); E(JMP); E(fl);
    prog[fix_ret] = k; E(LOAD); E(3); E(RET);
    run(prog, 0);

    /* count primes below 2000 by trial division (var0=count var1=n var2=d) */
    k = 0;
    E(PUSH); E(0); E(STORE); E(0); E(PUSH); E(2); E(STORE); E(1);
    top = k; E(LOAD); E(1); E(PUSH); E(2000); E(LT); E(JZ); fix_end = k; E(0);
    E(PUSH); E(2); E(STORE); E(2);
    unsigned inner = k; E(LOAD); E(2); E(LOAD); E(2); E(MUL); E(LOAD); E(1); E(SWAP); E(LT);
    E(JNZ); unsigned fix_prime = k; E(0);
    E(LOAD); E(1); E(LOAD); E(2); E(MOD); E(JZ); unsigned fix_comp = k; E(0);
    E(LOAD); E(2); E(PUSH); E(1); E(ADD); E(STORE); E(2); E(JMP); E(inner);
    prog[fix_prime] = k; E(LOAD); E(0); E(PUSH); E(1); E(ADD); E(STORE); E(0);
    prog[fix_comp] = k; E(LOAD); E(1); E(PUSH); E(1); E(ADD); E(STORE); E(1); E(JMP); E(top);
    prog[fix_end] = k; E(LOAD); E(0); E(PRINT); E(HALT);
    run(prog, 0);
    printf("threaded: %lld\n", (long long)run_threaded(100000));
    return 0;
}
