/*
 * core/proc/spawn_reason_test.c - process_spawn's reason buffer: the loader's reason
 * for refusing an image comes back to the caller, cut to the buffer and NUL-terminated;
 * a buffer that cannot be written refuses the call before anything is loaded; a NULL
 * buffer means no reason is wanted; a spawn that succeeds leaves the buffer alone.
 */
#include "th.h"

#include "hal.h"
#include "lib/kstring.h"

extern void (*th_user_main)(uintptr_t startup); /* the test HAL's user-mode hook */

#define PG 4096u
#define FILL 'z' /* what the buffer holds before the call */

/* The spawn arguments, the out handle, the name and a reason buffer, in user memory. */
struct rs {
    struct sos_spawn_args a;
    sos_handle_t out;
    char name[16];
    char reason[80];
};

static struct rs *rs_new(sos_handle_t img)
{
    struct rs *s = th_umem(sizeof(*s));
    k_strlcpy(s->name, "child", sizeof(s->name));
    memset(s->reason, FILL, sizeof(s->reason));
    s->a = (struct sos_spawn_args){.image = img, .name = s->name, .reason = s->reason,
                                   .reason_len = sizeof(s->reason)};
    return s;
}

/* A VMO holding a shell script: no ELF at all. */
static sos_handle_t text_image(void)
{
    sos_handle_t *v = th_umem(sizeof(*v));
    uint8_t *text = th_umem(64);
    memcpy(text, "#!/bin/sh\necho not an ELF file\n", 31);
    assert_int_equal(u_vmo_create(64, 0, v), 0);
    assert_int_equal(u_vmo_write(*v, text, 0, 64), 0);
    return *v;
}

/* The call fails with err, and nothing was created, moved or handed out. */
static void expect_refused(struct rs *s, int64_t err)
{
    struct th_counts before;
    uint32_t nh = th_proc_info(th_self()).handles;
    th_counts(&before);
    s->out = 0;
    assert_int_equal(u_process_spawn(&s->a, &s->out), err);
    th_assert_counts(&before);
    assert_int_equal(s->out, 0);
    assert_int_equal(th_proc_info(th_self()).handles, nh);
}

static bool untouched(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != FILL)
            return false;
    return true;
}

static void test_success_leaves_buffer_alone(void **state)
{
    (void)state;
    struct th_elf_opts o = {0};
    struct rs *s = rs_new(th_elf_vmo(&o, NULL));
    th_user_main = NULL;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    th_wait_terminated(s->out);
    assert_true(untouched(s->reason, sizeof(s->reason)));
}

static void test_malformed_image_says_why(void **state)
{
    (void)state;
    struct rs *s = rs_new(text_image());
    expect_refused(s, SOS_ERR_BAD_FORMAT);
    assert_string_equal(s->reason, "not an ELF file");
    assert_true(untouched(s->reason + 16, sizeof(s->reason) - 16)); /* past the NUL */
    struct th_elf_opts o = {.machine = 3}; /* EM_386 */
    s = rs_new(th_elf_vmo(&o, NULL));
    expect_refused(s, SOS_ERR_NOT_SUPPORTED);
    assert_string_equal(s->reason, "built for another CPU architecture");
}

static void test_reason_cut_to_buffer(void **state)
{
    (void)state;
    struct rs *s = rs_new(text_image());
    s->a.reason_len = 4;
    expect_refused(s, SOS_ERR_BAD_FORMAT);
    assert_string_equal(s->reason, "not");
    assert_true(untouched(s->reason + 4, sizeof(s->reason) - 4));
    s = rs_new(text_image());
    s->a.reason_len = 1; /* room for the NUL only */
    expect_refused(s, SOS_ERR_BAD_FORMAT);
    assert_int_equal(s->reason[0], 0);
    assert_true(untouched(s->reason + 1, sizeof(s->reason) - 1));
}

static void test_null_buffer_wants_no_reason(void **state)
{
    (void)state;
    struct rs *s = rs_new(text_image());
    s->a.reason = NULL;
    s->a.reason_len = 80; /* ignored without a pointer */
    expect_refused(s, SOS_ERR_BAD_FORMAT);
    assert_true(untouched(s->reason, sizeof(s->reason)));
    struct th_elf_opts o = {0};
    s = rs_new(th_elf_vmo(&o, NULL));
    s->a.reason = NULL;
    s->a.reason_len = 0;
    th_user_main = NULL;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    th_wait_terminated(s->out);
}

/* A bad buffer is refused before the image is looked at: a good image does not spawn,
 * and a malformed one is refused for the buffer, not for its format. */
static void test_bad_buffer_refused_first(void **state)
{
    (void)state;
    struct th_elf_opts o = {0};
    sos_handle_t imgs[2] = {th_elf_vmo(&o, NULL), text_image()};
    uint8_t *edge = th_umem(PG);
    for (int i = 0; i < 2; i++) {
        struct rs *s = rs_new(imgs[i]);
        s->a.reason = (char *)(uintptr_t)0x2000; /* unmapped */
        expect_refused(s, SOS_ERR_BAD_ADDRESS);
        s->a.reason = (char *)(edge + PG - 8); /* runs off the end of its mapping */
        s->a.reason_len = 16;
        expect_refused(s, SOS_ERR_BAD_ADDRESS);
        s->a.reason = s->reason; /* a buffer of no bytes */
        s->a.reason_len = 0;
        expect_refused(s, SOS_ERR_INVALID_ARGS);
        assert_true(untouched(s->reason, sizeof(s->reason)));
        assert_true(th_all_zero(edge, PG));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_success_leaves_buffer_alone),
        TH_TEST(test_malformed_image_says_why),
        TH_TEST(test_reason_cut_to_buffer),
        TH_TEST(test_null_buffer_wants_no_reason),
        TH_TEST(test_bad_buffer_refused_first),
    };
    return TH_RUN(tests);
}
