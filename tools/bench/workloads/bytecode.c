/* bytecode: a stack-machine interpreter with a switch-dispatched loop, running a small program
 * (nested counting loops with arithmetic and a local-variable array) argv[1] times. */
#include "common.h"

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, DUP, POP, JNZ, JMP, LT, HALT };

struct insn {
    uint8_t op;
    int32_t arg;
};

/* locals: 0 = i, 1 = j, 2 = acc, 3 = n */
static const struct insn program[] = {
    { PUSH, 0 }, { STORE, 0 },                          /* i = 0 */
    { LOAD, 0 }, { LOAD, 3 }, { LT, 0 }, { JNZ, 7 },    /* 2: while (i < n) */
    { HALT, 0 },
    { PUSH, 0 }, { STORE, 1 },                          /* 7: j = 0 */
    { LOAD, 1 }, { PUSH, 50 }, { LT, 0 }, { JNZ, 16 },  /* 9: while (j < 50) */
    { LOAD, 0 }, { PUSH, 1 }, { JMP, 32 },              /* 13: -> i++ */
    { LOAD, 2 }, { PUSH, 33 }, { MUL, 0 }, { LOAD, 1 }, /* 16: acc = (acc*33 + j) ^ (acc >> 7) */
    { ADD, 0 }, { DUP, 0 }, { PUSH, 7 }, { SHR, 0 },
    { XOR, 0 }, { STORE, 2 },
    { LOAD, 1 }, { PUSH, 1 }, { ADD, 0 }, { STORE, 1 }, /* 26: j++ */
    { JMP, 9 }, { HALT, 0 },
    { ADD, 0 }, { STORE, 0 }, { JMP, 2 },               /* 32: i++ */
};

static int32_t run(int32_t n)
{
    int32_t stack[64], locals[4] = { 0, 0, 1, n };
    int sp = 0;
    const struct insn *pc = program;
    for (;;) {
        const struct insn *in = pc++;
        switch (in->op) {
        case PUSH:  stack[sp++] = in->arg; break;
        case LOAD:  stack[sp++] = locals[in->arg]; break;
        case STORE: locals[in->arg] = stack[--sp]; break;
        case ADD:   sp--; stack[sp - 1] += stack[sp]; break;
        case SUB:   sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL:   sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]);
                    break;
        case XOR:   sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR:   sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> stack[sp]); break;
        case DUP:   stack[sp] = stack[sp - 1]; sp++; break;
        case POP:   sp--; break;
        case LT:    sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case JNZ:   if (stack[--sp]) pc = program + in->arg; break;
        case JMP:   pc = program + in->arg; break;
        case HALT:  return locals[2];
        }
    }
}

int main(int argc, char **argv)
{
    int32_t n = (int32_t)bench_size(argc, argv, 2000);
    printf("bytecode %d: %08x\n", n, (uint32_t)run(n));
    return 0;
}
