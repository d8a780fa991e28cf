/*
 * hal-aarch64/fdt_pci_test.h - the PCIe host bridge reader's unit tests (fdt_pci_test.c),
 * which test-dtb (dtb_test.c) runs with its own on the blobs it loads.
 *
 * Layer: hal-aarch64 host unit tests.
 */
#ifndef HAL_AARCH64_FDT_PCI_TEST_H
#define HAL_AARCH64_FDT_PCI_TEST_H

#define FDT_PCI_TESTS 5
extern const struct CMUnitTest g_fdt_pci_tests[FDT_PCI_TESTS];
void fdt_pci_test_blobs(const uint8_t *virt, size_t virt_len, const uint8_t *pi5, size_t pi5_len);

#endif
