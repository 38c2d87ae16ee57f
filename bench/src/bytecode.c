/* bytecode: a stack-machine interpreter whose dispatch is a dense switch (compiled to a jump table), running a prime-counting and a checksum program. */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, DUP, DROP, XOR, SHL, INC, HALT };

static uint32_t run(const int32_t *code, int32_t *vars)
{
    int32_t stack[64];
    int sp = 0, pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
        case JMP: pc = code[pc]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHL: sp--; stack[sp - 1] <<= stack[sp] & 31; break;
        case INC: vars[code[pc]]++; pc++; break;
        case HALT: return (uint32_t)vars[0];
        default: return 0xdeadu;
        }
    }
}

int main(int argc, char **argv)
{
    long limit = bench_size(argc, argv, 2500, 1200000);
    /* vars: 0 count, 1 n, 2 d, 3 limit, 4 hash */
    static const int32_t primes[] = {
        /* 0 */ PUSH, 2, STORE, 1,
        /* 4: outer */ LOAD, 1, LOAD, 3, LT, JZ, 50,
        /* 11 */ PUSH, 2, STORE, 2,
        /* 15: inner */ LOAD, 2, LOAD, 2, MUL, LOAD, 1, PUSH, 1, ADD, LT, JZ, 41,
        /* 28 */ LOAD, 1, LOAD, 2, MOD, JZ, 46,
        /* 35 */ INC, 2, JMP, 15, HALT, HALT,
        /* 41: prime */ INC, 0, JMP, 46, HALT,
        /* 46: next */ INC, 1, JMP, 4,
        /* 50 */ HALT,
    };
    static const int32_t hash[] = {
        /* 0 */ PUSH, 0, STORE, 1,
        /* 4 */ LOAD, 1, LOAD, 3, LT, JZ, 36,
        /* 11 */ LOAD, 0, PUSH, 5, SHL, LOAD, 0, XOR, LOAD, 1, ADD, PUSH, 1000003, MOD, STORE, 0,
        /* 27 */ INC, 1, JMP, 4, HALT, HALT, HALT, HALT, HALT,
        /* 36 */ HALT,
    };
    int32_t v[5] = { 0, 0, 0, (int32_t)limit, 0 };
    uint32_t np = run(primes, v);
    int32_t w[5] = { 7, 0, 0, (int32_t)limit * 20, 0 };
    uint32_t h = run(hash, w);
    printf("bytecode limit=%ld primes=%u hash=%u\n", limit, np, h);
    return 0;
}
