/* A tiny stack-machine interpreter, the shape of many real interpreters: a dispatch loop over
 * bytecode through a switch (a jump table) and through computed goto (GNU labels as values, one
 * indirect jump per instruction). Programs: factorial, a counted loop with a sum, gcd and
 * Fibonacci with calls and returns. */
#include <stdint.h>
#include <stdio.h>

enum op { PUSH, POP, ADD, SUB, MUL, DIVM, DUP, SWAP, OVER, JMP, JZ, JNZ, LT, CALL, RET, LOAD, STORE,
          PRINT, HALT };

static const char *const opnames[] = { "push", "pop", "add", "sub", "mul", "divmod", "dup", "swap",
                                       "over", "jmp", "jz", "jnz", "lt", "call", "ret", "load", "store",
                                       "print", "halt" };

struct vm {
    int32_t stack[256];
    int sp;
    int32_t rstack[64];
    int rsp;
    int32_t vars[16];
    uint64_t steps;
    uint32_t out_hash;
};

static void emit(struct vm *m, int32_t v)
{
    printf("  out %d\n", v);
    m->out_hash = m->out_hash * 31 + (uint32_t)v;
}

static int run_switch(struct vm *m, const int32_t *code)
{
    int pc = 0;
    for (;;) {
        m->steps++;
        int32_t a, b;
        switch ((enum op)code[pc++]) {
        case PUSH: m->stack[m->sp++] = code[pc++]; break;
        case POP: m->sp--; break;
        case ADD: b = m->stack[--m->sp]; m->stack[m->sp - 1] += b; break;
        case SUB: b = m->stack[--m->sp]; m->stack[m->sp - 1] -= b; break;
        case MUL: b = m->stack[--m->sp]; m->stack[m->sp - 1] *= b; break;
        case DIVM:
            b = m->stack[m->sp - 1];
            a = m->stack[m->sp - 2];
            if (b == 0)
                return -1;
            m->stack[m->sp - 2] = a / b;
            m->stack[m->sp - 1] = a % b;
            break;
        case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
        case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
        case OVER: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = m->stack[--m->sp] == 0 ? code[pc] : pc + 1; break;
        case JNZ: pc = m->stack[--m->sp] != 0 ? code[pc] : pc + 1; break;
        case LT: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; break;
        case CALL: m->rstack[m->rsp++] = pc + 1; pc = code[pc]; break;
        case RET: pc = m->rstack[--m->rsp]; break;
        case LOAD: m->stack[m->sp++] = m->vars[code[pc++]]; break;
        case STORE: m->vars[code[pc++]] = m->stack[--m->sp]; break;
        case PRINT: emit(m, m->stack[--m->sp]); break;
        case HALT: return 0;
        default: return -2;
        }
    }
}

static int run_goto(struct vm *m, const int32_t *code)
{
    static void *const labels[] = { &&l_push, &&l_pop, &&l_add, &&l_sub, &&l_mul, &&l_divm, &&l_dup,
                                    &&l_swap, &&l_over, &&l_jmp, &&l_jz, &&l_jnz, &&l_lt, &&l_call,
                                    &&l_ret, &&l_load, &&l_store, &&l_print, &&l_halt };
    int pc = 0;
    int32_t a, b;
#define NEXT do { m->steps++; goto *labels[code[pc++]]; } while (0)
    NEXT;
l_push: m->stack[m->sp++] = code[pc++]; NEXT;
l_pop: m->sp--; NEXT;
l_add: b = m->stack[--m->sp]; m->stack[m->sp - 1] += b; NEXT;
l_sub: b = m->stack[--m->sp]; m->stack[m->sp - 1] -= b; NEXT;
l_mul: b = m->stack[--m->sp]; m->stack[m->sp - 1] *= b; NEXT;
l_divm:
    b = m->stack[m->sp - 1];
    a = m->stack[m->sp - 2];
    if (b == 0)
        return -1;
    m->stack[m->sp - 2] = a / b;
    m->stack[m->sp - 1] = a % b;
    NEXT;
l_dup: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; NEXT;
l_swap: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; NEXT;
l_over: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; NEXT;
l_jmp: pc = code[pc]; NEXT;
l_jz: pc = m->stack[--m->sp] == 0 ? code[pc] : pc + 1; NEXT;
l_jnz: pc = m->stack[--m->sp] != 0 ? code[pc] : pc + 1; NEXT;
l_lt: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; NEXT;
l_call: m->rstack[m->rsp++] = pc + 1; pc = code[pc]; NEXT;
l_ret: pc = m->rstack[--m->rsp]; NEXT;
l_load: m->stack[m->sp++] = m->vars[code[pc++]]; NEXT;
l_store: m->vars[code[pc++]] = m->stack[--m->sp]; NEXT;
l_print: emit(m, m->stack[--m->sp]); NEXT;
l_halt: return 0;
#undef NEXT
}

/* A minimal assembler: ops are appended to a buffer, jump targets patched once labels are known. */
static int32_t prog[256];
static int plen;

static int at(void) { return plen; }
static void op(enum op o) { prog[plen++] = o; }
static void op1(enum op o, int32_t arg) { prog[plen++] = o; prog[plen++] = arg; }
static int fwd(enum op o) { op1(o, -1); return plen - 1; }   /* returns the slot to patch */
static void patch(int slot, int target) { prog[slot] = target; }

/* 12! by a loop: acc = 1; n = 12; while (n) { acc *= n; n -= 1; } print acc */
static void asm_factorial(void)
{
    plen = 0;
    op1(PUSH, 1); op1(STORE, 0); op1(PUSH, 12); op1(STORE, 1);
    int top = at();
    op1(LOAD, 1);
    int exit = fwd(JZ);
    op1(LOAD, 0); op1(LOAD, 1); op(MUL); op1(STORE, 0);
    op1(LOAD, 1); op1(PUSH, 1); op(SUB); op1(STORE, 1);
    op1(JMP, top);
    patch(exit, at());
    op1(LOAD, 0); op(PRINT); op(HALT);
}

/* sum of (i * i) % 7 for i < 20000, printed */
static void asm_loop_sum(void)
{
    plen = 0;
    op1(PUSH, 0); op1(STORE, 0); op1(PUSH, 0); op1(STORE, 1);
    int top = at();
    op1(LOAD, 1); op1(PUSH, 20000); op(LT);
    int exit = fwd(JZ);
    op1(LOAD, 1); op(DUP); op(MUL); op1(PUSH, 7); op(DIVM); op(SWAP); op(POP);
    op1(LOAD, 0); op(ADD); op1(STORE, 0);
    op1(LOAD, 1); op1(PUSH, 1); op(ADD); op1(STORE, 1);
    op1(JMP, top);
    patch(exit, at());
    op1(LOAD, 0); op(PRINT); op(HALT);
}

/* gcd(1071, 462) by Euclid, then fib(1..20) through a subroutine call */
static void asm_calls(void)
{
    plen = 0;
    op1(PUSH, 1071); op1(PUSH, 462);
    int top = at();                     /* stack: a b */
    op(DUP);
    int done = fwd(JZ);
    op(SWAP); op(OVER); op(DIVM);       /* a b -> b a b -> b a/b a%b */
    op(SWAP); op(POP);                  /* -> b a%b */
    op1(JMP, top);
    patch(done, at());
    op(POP); op(PRINT);                 /* a 0 -> prints a */

    op1(PUSH, 1); op1(STORE, 2);
    int loop = at();
    op1(LOAD, 2); op1(PUSH, 21); op(LT);
    int out = fwd(JZ);
    op1(LOAD, 2);
    int call = fwd(CALL);
    op(PRINT);
    op1(LOAD, 2); op1(PUSH, 1); op(ADD); op1(STORE, 2);
    op1(JMP, loop);
    patch(out, at());
    op(HALT);

    patch(call, at());                  /* fib(n): a = 0, b = 1; n times: a, b = b, a + b */
    op1(STORE, 3); op1(PUSH, 0); op1(STORE, 4); op1(PUSH, 1); op1(STORE, 5);
    int ftop = at();
    op1(LOAD, 3);
    int fdone = fwd(JZ);
    op1(LOAD, 5); op1(LOAD, 4); op1(LOAD, 5); op(ADD); op1(STORE, 5); op1(STORE, 4);
    op1(LOAD, 3); op1(PUSH, 1); op(SUB); op1(STORE, 3);
    op1(JMP, ftop);
    patch(fdone, at());
    op1(LOAD, 4); op(RET);
}

static void run(const char *name, const int32_t *code, int n)
{
    for (int mode = 0; mode < 2; mode++) {
        struct vm m = { .sp = 0 };
        printf("%s (%s):\n", name, mode ? "computed goto" : "switch");
        int r = mode ? run_goto(&m, code) : run_switch(&m, code);
        printf("  result %d, %llu steps, output hash %08x, final sp %d\n", r, (unsigned long long)m.steps,
               m.out_hash, m.sp);
    }
    unsigned hist[HALT + 1] = { 0 };
    for (int pc = 0; pc < n;) {
        int op = code[pc];
        hist[op]++;
        pc += (op == PUSH || op == JMP || op == JZ || op == JNZ || op == CALL || op == LOAD || op == STORE) ? 2 : 1;
    }
    printf("  static ops:");
    for (int op = 0; op <= HALT; op++)
        if (hist[op])
            printf(" %s=%u", opnames[op], hist[op]);
    printf("\n");
}

int main(void)
{
    asm_factorial();
    run("factorial", prog, plen);
    asm_loop_sum();
    run("loop_sum", prog, plen);
    asm_calls();
    run("calls", prog, plen);
    return 0;
}
