/*
 * tests/hal/th_util.c - the helpers the unit tests share (declared in th.h).
 */
#include <string.h>

#include "th.h"
#include "th_internal.h"

#include "mm/vmo.h"
#include "obj/handle.h"
#include "proc/process.h"
#include "proc/thread.h"

/* The helpers' user memory in the test process, mapped by th_setup. */
struct th_scratch {
    sos_handle_t h[2];
    sos_signals_t sig;
    struct sos_info_handle info;
    struct sos_info_process pinfo;
    struct sos_info_vmo vinfo;
};
static struct th_scratch *g_s;

void th_scratch_map(void) { g_s = th_umem(sizeof(*g_s)); }

sos_handle_t th_event(void)
{
    assert_int_equal(u_event_create(0, g_s->h), 0);
    return g_s->h[0];
}

sos_handle_t th_port(void)
{
    assert_int_equal(u_port_create(0, g_s->h), 0);
    return g_s->h[0];
}

sos_handle_t th_timer(void)
{
    assert_int_equal(u_timer_create(0, g_s->h), 0);
    return g_s->h[0];
}

sos_handle_t th_dup(sos_handle_t h, sos_rights_t rights)
{
    assert_int_equal(u_handle_duplicate(h, rights, g_s->h), 0);
    return g_s->h[0];
}

struct sos_info_handle th_handle_info(sos_handle_t h)
{
    assert_int_equal(u_object_get_info(h, SOS_INFO_HANDLE, &g_s->info, sizeof(g_s->info)),
                     (int64_t)sizeof(g_s->info));
    return g_s->info;
}

sos_koid_t th_koid(sos_handle_t h) { return th_handle_info(h).koid; }

struct sos_info_process th_proc_info(sos_handle_t p)
{
    assert_int_equal(u_object_get_info(p, SOS_INFO_PROCESS, &g_s->pinfo, sizeof(g_s->pinfo)),
                     (int64_t)sizeof(g_s->pinfo));
    return g_s->pinfo;
}

struct sos_info_vmo th_vmo_info(sos_handle_t v)
{
    assert_int_equal(u_object_get_info(v, SOS_INFO_VMO, &g_s->vinfo, sizeof(g_s->vinfo)),
                     (int64_t)sizeof(g_s->vinfo));
    return g_s->vinfo;
}

sos_signals_t th_signals(sos_handle_t h)
{
    g_s->sig = 0;
    int64_t rc = u_object_wait_one(h, 0xffffffffu, 0, &g_s->sig);
    assert_true(rc == 0 || rc == SOS_ERR_TIMED_OUT);
    return g_s->sig;
}

void th_wait_terminated(sos_handle_t h)
{
    g_s->sig = 0;
    assert_int_equal(u_object_wait_one(h, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, &g_s->sig), 0);
    assert_true(g_s->sig & SOS_SIG_TERMINATED);
}

sos_handle_t th_vmo_all_rights(uint64_t size)
{
    klock_acquire();
    int err;
    struct vmo *v = vmo_new(size, 0, &err);
    assert_non_null(v);
    struct handle *h = handle_new(&v->obj, SOS_RIGHTS_ALL);
    sos_handle_t val = 0;
    assert_int_equal(process_install(current_thread()->proc, h, &val), 0);
    obj_unref(&v->obj);
    klock_release();
    return val;
}

bool th_all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; i++)
        if (b[i])
            return false;
    return true;
}

void th_fill(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + 7 * i);
}

bool th_contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

void *th_page_with(uint32_t prot, const void *content, size_t len)
{
    sos_handle_t *v = th_umem(sizeof(*v));
    assert_int_equal(u_vmo_create(4096u, 0, v), 0);
    if (len) {
        void *tmp = th_umem(len);
        memcpy(tmp, content, len);
        assert_int_equal(u_vmo_write(*v, tmp, 0, len), 0);
    }
    struct sos_vm_map *m = th_umem(sizeof(*m));
    *m = (struct sos_vm_map){.process = th_self(), .vmo = *v, .len = 4096u, .prot = prot};
    assert_int_equal(u_vm_map(m), 0);
    return (void *)(uintptr_t)m->addr;
}

bool th_has_signal(sos_handle_t h, sos_signals_t s)
{
    return u_object_wait_one(h, s, 0, NULL) == 0;
}
