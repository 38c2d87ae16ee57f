/* lists_trees: pointer-heavy data structures on the heap - singly linked
 * list (build, reverse, merge sort), doubly linked deque, and an unbalanced
 * BST plus an AVL tree with in-order traversal, height and deletion. */
#include <stdio.h>
#include <stdlib.h>

struct ln { int v; struct ln *next; };
static struct ln *push(struct ln *h, int v) { struct ln *n = malloc(sizeof *n); n->v = v; n->next = h; return n; }
static struct ln *reverse(struct ln *h)
{
    struct ln *p = NULL;
    while (h) { struct ln *n = h->next; h->next = p; p = h; h = n; }
    return p;
}
static struct ln *msort(struct ln *h)
{
    if (!h || !h->next) return h;
    struct ln *slow = h, *fast = h->next;
    while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
    struct ln *b = slow->next;
    slow->next = NULL;
    struct ln *a = msort(h);
    b = msort(b);
    struct ln head, *t = &head;
    while (a && b) { if (a->v <= b->v) { t->next = a; a = a->next; } else { t->next = b; b = b->next; } t = t->next; }
    t->next = a ? a : b;
    return head.next;
}
static void plist(const char *l, struct ln *h, int max)
{
    printf("%s:", l);
    for (int i = 0; h && i < max; h = h->next, i++) printf(" %d", h->v);
    printf("\n");
}

struct avl { int key, h; struct avl *l, *r; };
static int ht(struct avl *t) { return t ? t->h : 0; }
static void fix(struct avl *t) { int a = ht(t->l), b = ht(t->r); t->h = (a > b ? a : b) + 1; }
static struct avl *rotr(struct avl *t) { struct avl *l = t->l; t->l = l->r; l->r = t; fix(t); fix(l); return l; }
static struct avl *rotl(struct avl *t) { struct avl *r = t->r; t->r = r->l; r->l = t; fix(t); fix(r); return r; }
static struct avl *bal(struct avl *t)
{
    fix(t);
    int b = ht(t->l) - ht(t->r);
    if (b > 1) { if (ht(t->l->l) < ht(t->l->r)) t->l = rotl(t->l); return rotr(t); }
    if (b < -1) { if (ht(t->r->r) < ht(t->r->l)) t->r = rotr(t->r); return rotl(t); }
    return t;
}
static struct avl *ins(struct avl *t, int k, int balance)
{
    if (!t) { t = calloc(1, sizeof *t); t->key = k; t->h = 1; return t; }
    if (k < t->key) t->l = ins(t->l, k, balance);
    else if (k > t->key) t->r = ins(t->r, k, balance);
    if (balance) return bal(t);
    fix(t);
    return t;
}
static struct avl *delmin(struct avl *t, int *k)
{
    if (!t->l) { struct avl *r = t->r; *k = t->key; free(t); return r; }
    t->l = delmin(t->l, k);
    return bal(t);
}
static struct avl *del(struct avl *t, int k)
{
    if (!t) return NULL;
    if (k < t->key) t->l = del(t->l, k);
    else if (k > t->key) t->r = del(t->r, k);
    else {
        if (!t->r) { struct avl *l = t->l; free(t); return l; }
        int m;
        t->r = delmin(t->r, &m);
        t->key = m;
    }
    return bal(t);
}
static int cnt, sum, prev, ordered;
static void walk(struct avl *t)
{
    if (!t) return;
    walk(t->l);
    if (cnt && t->key <= prev) ordered = 0;
    prev = t->key;
    cnt++;
    sum += t->key;
    walk(t->r);
}
static void stats(const char *l, struct avl *t)
{
    cnt = sum = 0; ordered = 1;
    walk(t);
    printf("%s: n=%d sum=%d height=%d ordered=%d root=%d\n", l, cnt, sum, ht(t), ordered, t ? t->key : -1);
}

int main(void)
{
    struct ln *h = NULL;
    unsigned s = 1;
    for (int i = 0; i < 2000; i++) { s = s * 1103515245u + 12345u; h = push(h, (s >> 16) % 1000); }
    plist("first", h, 10);
    h = reverse(h);
    plist("reversed", h, 10);
    h = msort(h);
    plist("sorted", h, 15);
    long total = 0;
    int n = 0;
    while (h) { struct ln *x = h; total += x->v; n++; h = x->next; free(x); }
    printf("n=%d total=%ld\n", n, total);
    struct avl *bst = NULL, *avl = NULL;
    for (int i = 0; i < 500; i++) {
        int k = (i * 37) % 500 + (i % 3 == 0 ? 0 : 1000);
        bst = ins(bst, k, 0);
        avl = ins(avl, k, 1);
    }
    for (int i = 0; i < 200; i++) bst = ins(bst, 2000 + i, 0); /* degenerate chain */
    for (int i = 0; i < 200; i++) avl = ins(avl, 2000 + i, 1);
    stats("bst", bst);
    stats("avl", avl);
    for (int k = 0; k < 2200; k += 3) avl = del(avl, k);
    stats("avl after deletes", avl);
    return 0;
}
