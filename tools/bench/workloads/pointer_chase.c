/* pointer_chase: a singly linked list whose nodes are linked in a pseudo-random order
 * (argv[1] thousand nodes, walked repeatedly), then a binary search tree built and searched:
 * dependent loads and data-dependent branches. */
#include "common.h"

struct node {
    struct node *next;
    uint32_t value;
};

struct tree {
    struct tree *left, *right;
    uint32_t key;
};

static struct tree *insert(struct tree *t, struct tree *n)
{
    struct tree **link = &t;
    while (*link) link = n->key < (*link)->key ? &(*link)->left : &(*link)->right;
    *link = n;
    return t;
}

static int find(const struct tree *t, uint32_t key)
{
    while (t) {
        if (key == t->key) return 1;
        t = key < t->key ? t->left : t->right;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n = bench_size(argc, argv, 20) * 1000;
    struct node *nodes = malloc(n * sizeof *nodes);
    uint32_t *order = malloc(n * sizeof *order);
    for (long i = 0; i < n; i++) order[i] = (uint32_t)i;
    for (long i = n - 1; i > 0; i--) {
        long j = bench_rand() % (i + 1);
        uint32_t t = order[i]; order[i] = order[j]; order[j] = t;
    }
    for (long i = 0; i < n; i++) {
        nodes[order[i]].value = (uint32_t)i * 2654435761u;
        nodes[order[i]].next = i + 1 < n ? &nodes[order[i + 1]] : NULL;
    }
    uint32_t sum = 0;
    for (int pass = 0; pass < 20; pass++) {
        for (const struct node *p = &nodes[order[0]]; p; p = p->next) sum += p->value ^ pass;
    }

    struct tree *trees = malloc(n * sizeof *trees), *root = NULL;
    for (long i = 0; i < n; i++) {
        trees[i].left = trees[i].right = NULL;
        trees[i].key = bench_rand() % (4 * (uint32_t)n);
        root = insert(root, &trees[i]);
    }
    unsigned found = 0;
    for (long i = 0; i < 4 * n; i++) found += find(root, (uint32_t)i);
    printf("list %08x tree found %u of %ld\n", sum, found, 4 * n);
    return 0;
}
