/*
 * tests/progs/hello.c - the smallest program: says hello, names its startup
 * handles, exits 0. Used to bring up a new platform or simulator.
 *
 * Layer: services (a test program, built like a service image).
 */
#include <stdio.h>

#include <sl/startup.h>

int main(int argc, char **argv)
{
    printf("hello from %s\n", argc > 0 ? argv[0] : "(no name)");
    for (uint32_t i = 0; i < sos_startup_handle_count(); i++) {
        const struct sos_startup_handle *h = sos_startup_handle_at(i);
        printf("hello: handle %s = %#x\n", h->name, h->handle);
    }
    for (int i = 1; i < argc; i++)
        printf("hello: argv[%d] = %s\n", i, argv[i]);
    return 0;
}
