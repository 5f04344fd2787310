/* Pointer-heavy data structures on the heap: a singly linked list (build, reverse, merge sort,
 * delete), a doubly linked list used as a deque, a binary search tree (insert, find, delete,
 * in-order walk, height) and an AVL tree whose rotations keep it balanced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t seed = 2024;
static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) & 0xffffff;
}

struct node { int v; struct node *next; };

static struct node *push(struct node *h, int v)
{
    struct node *n = malloc(sizeof *n);
    n->v = v;
    n->next = h;
    return n;
}

static struct node *reverse(struct node *h)
{
    struct node *prev = NULL;
    while (h) {
        struct node *next = h->next;
        h->next = prev;
        prev = h;
        h = next;
    }
    return prev;
}

static struct node *merge(struct node *a, struct node *b)
{
    struct node head = { 0, NULL }, *t = &head;
    while (a && b) {
        if (a->v <= b->v) { t->next = a; a = a->next; }
        else { t->next = b; b = b->next; }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static struct node *msort(struct node *h)
{
    if (!h || !h->next)
        return h;
    struct node *slow = h, *fast = h->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node *second = slow->next;
    slow->next = NULL;
    return merge(msort(h), msort(second));
}

static unsigned list_hash(const struct node *h, int *len)
{
    unsigned x = 0;
    *len = 0;
    for (; h; h = h->next, (*len)++)
        x = x * 31 + (unsigned)h->v;
    return x;
}

struct dnode { int v; struct dnode *prev, *next; };

struct tree { int key, height; struct tree *l, *r; };

static struct tree *bst_insert(struct tree *t, int key)
{
    if (!t) {
        t = calloc(1, sizeof *t);
        t->key = key;
        return t;
    }
    if (key < t->key)
        t->l = bst_insert(t->l, key);
    else if (key > t->key)
        t->r = bst_insert(t->r, key);
    return t;
}

static struct tree *bst_delete(struct tree *t, int key)
{
    if (!t)
        return NULL;
    if (key < t->key) {
        t->l = bst_delete(t->l, key);
    } else if (key > t->key) {
        t->r = bst_delete(t->r, key);
    } else {
        if (!t->l || !t->r) {
            struct tree *c = t->l ? t->l : t->r;
            free(t);
            return c;
        }
        struct tree *m = t->r;
        while (m->l)
            m = m->l;
        t->key = m->key;
        t->r = bst_delete(t->r, m->key);
    }
    return t;
}

static int depth(const struct tree *t)
{
    if (!t)
        return 0;
    int a = depth(t->l), b = depth(t->r);
    return 1 + (a > b ? a : b);
}

static void walk(const struct tree *t, unsigned *h, int *n, int *sorted, int *last)
{
    if (!t)
        return;
    walk(t->l, h, n, sorted, last);
    if (*n && t->key <= *last)
        *sorted = 0;
    *last = t->key;
    *h = *h * 131 + (unsigned)t->key;
    (*n)++;
    walk(t->r, h, n, sorted, last);
}

static void free_tree(struct tree *t)
{
    if (!t)
        return;
    free_tree(t->l);
    free_tree(t->r);
    free(t);
}

static int height(const struct tree *t) { return t ? t->height : 0; }
static void fix(struct tree *t)
{
    int a = height(t->l), b = height(t->r);
    t->height = 1 + (a > b ? a : b);
}

static struct tree *rot_right(struct tree *t)
{
    struct tree *l = t->l;
    t->l = l->r;
    l->r = t;
    fix(t);
    fix(l);
    return l;
}

static struct tree *rot_left(struct tree *t)
{
    struct tree *r = t->r;
    t->r = r->l;
    r->l = t;
    fix(t);
    fix(r);
    return r;
}

static unsigned rotations;

static struct tree *avl_insert(struct tree *t, int key)
{
    if (!t) {
        t = calloc(1, sizeof *t);
        t->key = key;
        t->height = 1;
        return t;
    }
    if (key < t->key)
        t->l = avl_insert(t->l, key);
    else if (key > t->key)
        t->r = avl_insert(t->r, key);
    else
        return t;
    fix(t);
    int bal = height(t->l) - height(t->r);
    if (bal > 1) {
        if (key > t->l->key) {
            t->l = rot_left(t->l);
            rotations++;
        }
        rotations++;
        return rot_right(t);
    }
    if (bal < -1) {
        if (key < t->r->key) {
            t->r = rot_right(t->r);
            rotations++;
        }
        rotations++;
        return rot_left(t);
    }
    return t;
}

int main(void)
{
    struct node *list = NULL;
    for (int i = 0; i < 5000; i++)
        list = push(list, (int)(rnd() % 100000));
    int len;
    unsigned h = list_hash(list, &len);
    printf("list: %d nodes, hash %08x\n", len, h);
    list = reverse(list);
    printf("reversed: hash %08x\n", list_hash(list, &len));
    list = msort(list);
    int ok = 1;
    for (struct node *n = list; n && n->next; n = n->next)
        ok &= n->v <= n->next->v;
    printf("merge sorted: %d, hash %08x, min %d\n", ok, list_hash(list, &len), list->v);
    /* Remove every node whose value is odd. */
    struct node **pp = &list;
    while (*pp) {
        if ((*pp)->v & 1) {
            struct node *dead = *pp;
            *pp = dead->next;
            free(dead);
        } else {
            pp = &(*pp)->next;
        }
    }
    h = list_hash(list, &len);
    printf("after removing odd: %d nodes, hash %08x\n", len, h);
    while (list) {
        struct node *next = list->next;
        free(list);
        list = next;
    }

    struct dnode *head = NULL, *tail = NULL;
    unsigned dq = 0;
    for (int i = 0; i < 3000; i++) {
        uint32_t r = rnd();
        if (r % 3 != 0 || !head) {
            struct dnode *n = malloc(sizeof *n);
            n->v = i;
            if (r & 8) {          /* push front */
                n->prev = NULL;
                n->next = head;
                if (head) head->prev = n; else tail = n;
                head = n;
            } else {              /* push back */
                n->next = NULL;
                n->prev = tail;
                if (tail) tail->next = n; else head = n;
                tail = n;
            }
        } else {
            struct dnode *n;
            if (r & 16) {         /* pop front */
                n = head;
                head = n->next;
                if (head) head->prev = NULL; else tail = NULL;
            } else {              /* pop back */
                n = tail;
                tail = n->prev;
                if (tail) tail->next = NULL; else head = NULL;
            }
            dq = dq * 33 + (unsigned)n->v;
            free(n);
        }
    }
    int fwdn = 0, backn = 0;
    for (struct dnode *n = head; n; n = n->next)
        fwdn++;
    for (struct dnode *n = tail; n; n = n->prev)
        backn++;
    printf("deque: popped hash %08x, %d forward, %d backward\n", dq, fwdn, backn);
    while (head) {
        struct dnode *next = head->next;
        free(head);
        head = next;
    }

    struct tree *bst = NULL;
    for (int i = 0; i < 4000; i++)
        bst = bst_insert(bst, (int)(rnd() % 10000));
    unsigned th = 0;
    int n = 0, sorted = 1, last = 0;
    walk(bst, &th, &n, &sorted, &last);
    printf("bst: %d keys, depth %d, sorted %d, hash %08x\n", n, depth(bst), sorted, th);
    for (int k = 0; k < 10000; k += 3)
        bst = bst_delete(bst, k);
    th = 0;
    n = 0;
    walk(bst, &th, &n, &sorted, &last);
    printf("bst after deletes: %d keys, depth %d, sorted %d, hash %08x\n", n, depth(bst), sorted, th);
    free_tree(bst);

    struct tree *avl = NULL;
    for (int i = 0; i < 4096; i++)
        avl = avl_insert(avl, i);            /* sorted input: worst case for a plain BST */
    for (int i = 0; i < 2000; i++)
        avl = avl_insert(avl, (int)(rnd() % 20000) + 5000);
    th = 0;
    n = 0;
    sorted = 1;
    walk(avl, &th, &n, &sorted, &last);
    printf("avl: %d keys, height %d, rotations %u, sorted %d, hash %08x\n", n, height(avl), rotations, sorted, th);
    free_tree(avl);
    return 0;
}
