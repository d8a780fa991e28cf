/*
 * core/obj/resource_test.c - the root resource: one object, handed to the first
 * process, that every privileged call asks for (check_resource): READ for the reading
 * calls, MANAGE for the ones that change the machine.
 */
#include "th.h"

static void test_root_resource_is_one_object(void **state)
{
    (void)state;
    struct sos_info_handle root = th_handle_info(th_root());
    assert_int_equal(root.kind, SOS_OBJ_RESOURCE);
    assert_true(root.rights & SOS_RIGHT_MANAGE);
    assert_true(root.rights & SOS_RIGHT_READ);
    struct sos_info_handle weak = th_handle_info(th_dup(th_root(), SOS_RIGHT_READ));
    assert_int_equal(weak.kind, SOS_OBJ_RESOURCE);
    assert_true(weak.koid == root.koid);
    assert_int_equal(weak.rights, SOS_RIGHT_READ);
}

static void test_reading_calls_want_read(void **state)
{
    (void)state;
    sos_handle_t noread = th_dup(th_root(), SOS_RIGHTS_ALL & ~SOS_RIGHT_READ);
    sos_handle_t e = th_event();
    struct sos_audit_record *r = th_umem(sizeof(*r));
    struct sos_fault_record *f = th_umem(sizeof(*f));
    char *b = th_umem(16);
    assert_int_equal(u_audit_read(noread, 0, r, 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_fault_read(noread, f, 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_console_read(noread, b, 16), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_audit_read(e, 0, r, 1), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_fault_read(e, f, 1), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_console_read(e, b, 16), SOS_ERR_WRONG_TYPE);
}

static void test_machine_calls_want_manage(void **state)
{
    (void)state;
    sos_handle_t nomanage = th_dup(th_root(), SOS_RIGHTS_ALL & ~SOS_RIGHT_MANAGE);
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(u_interrupt_create(nomanage, 40, h), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_device_open(nomanage, 0, 0, h), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_system_power(nomanage, SOS_POWER_OFF, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_interrupt_create(th_event(), 40, h), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_device_open(th_self(), 0, 0, h), SOS_ERR_WRONG_TYPE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_root_resource_is_one_object),
        TH_TEST(test_reading_calls_want_read),
        TH_TEST(test_machine_calls_want_manage),
    };
    return TH_RUN(tests);
}
