/*
 * hal-x86_64/selftest.h - the boot self-test of the devices (selftest.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_SELFTEST_H
#define HAL_X86_64_SELFTEST_H



void x86_dev_selftest(void);

#endif
