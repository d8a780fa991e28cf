/*
 * core/lib/list.h - intrusive doubly linked lists (circular, with a sentinel head).
 *
 * Layer: core library. Header only.
 */
#ifndef CORE_LIB_LIST_H
#define CORE_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *prev, *next;
};

#define LIST_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(node, type, member) container_of(node, type, member)

static inline void list_init(struct list_node *head) { head->prev = head->next = head; }
static inline bool list_empty(const struct list_node *head) { return head->next == head; }

/* A node not on any list points at itself (after list_init or list_remove). */
static inline bool list_linked(const struct list_node *n) { return n->next != n && n->next; }

static inline void list_insert_after(struct list_node *pos, struct list_node *n)
{
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}

static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
    list_insert_after(head->prev, n);
}

static inline void list_add_head(struct list_node *head, struct list_node *n)
{
    list_insert_after(head, n);
}

static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}

static inline struct list_node *list_pop_head(struct list_node *head)
{
    if (list_empty(head))
        return NULL;
    struct list_node *n = head->next;
    list_remove(n);
    return n;
}

#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, tmp, head)                                              \
    for (pos = (head)->next, tmp = pos->next; pos != (head); pos = tmp, tmp = pos->next)

#endif
