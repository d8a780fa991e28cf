/*
 * hal-x86_64/boot/efi.h - the few UEFI definitions the loader uses.
 *
 * Written from the UEFI 2.x specification: the system table, the boot services table
 * (every slot in order, used or not, so the offsets are right), simple text output and
 * input, loaded image, simple file system and file protocols, graphics output, and the
 * configuration-table GUIDs for ACPI. Compiled by clang for x86_64-unknown-windows, so
 * the default calling convention already is the UEFI (Microsoft x64) one; EFIAPI says
 * so explicitly anyway.
 *
 * Layer: hal-x86_64 boot (UEFI stage only).
 */
#ifndef X86_BOOT_EFI_H
#define X86_BOOT_EFI_H

#include <stddef.h>
#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;
typedef void *efi_event;

#define EFI_SUCCESS 0ull
#define EFI_ERR(n) (0x8000000000000000ull | (n))
#define EFI_LOAD_ERROR EFI_ERR(1)
#define EFI_INVALID_PARAMETER EFI_ERR(2)
#define EFI_UNSUPPORTED EFI_ERR(3)
#define EFI_BUFFER_TOO_SMALL EFI_ERR(5)
#define EFI_NOT_FOUND EFI_ERR(14)
#define EFI_TIMEOUT EFI_ERR(18)
#define EFI_ERROR(s) (((int64_t)(s)) < 0)

typedef struct {
    uint32_t d1;
    uint16_t d2, d3;
    uint8_t d4[8];
} efi_guid;

typedef struct {
    uint64_t signature;
    uint32_t revision, header_size, crc32, reserved;
} efi_table_header;

/* ---- console */
typedef struct efi_text_out efi_text_out;
struct efi_text_out {
    efi_status(EFIAPI *reset)(efi_text_out *, uint8_t);
    efi_status(EFIAPI *output_string)(efi_text_out *, const char16 *);
    void *test_string, *query_mode, *set_mode;
    efi_status(EFIAPI *set_attribute)(efi_text_out *, uint64_t);
    efi_status(EFIAPI *clear_screen)(efi_text_out *);
    void *set_cursor_position, *enable_cursor, *mode;
};

typedef struct {
    uint16_t scan_code;
    char16 unicode_char;
} efi_input_key;

typedef struct efi_text_in efi_text_in;
struct efi_text_in {
    efi_status(EFIAPI *reset)(efi_text_in *, uint8_t);
    efi_status(EFIAPI *read_key)(efi_text_in *, efi_input_key *);
    efi_event wait_for_key;
};

/* ---- memory */
typedef enum {
    EFI_ALLOCATE_ANY_PAGES = 0,
    EFI_ALLOCATE_MAX_ADDRESS = 1,
    EFI_ALLOCATE_ADDRESS = 2,
} efi_allocate_type;

#define EFI_LOADER_DATA 2u
#define EFI_BOOT_SERVICES_DATA 4u

typedef struct {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
} efi_memory_descriptor;

/* ---- boot services: every slot in the specification's order */
typedef struct {
    efi_table_header hdr;
    void *raise_tpl, *restore_tpl;
    efi_status(EFIAPI *allocate_pages)(efi_allocate_type, uint32_t, uint64_t, uint64_t *);
    efi_status(EFIAPI *free_pages)(uint64_t, uint64_t);
    efi_status(EFIAPI *get_memory_map)(uint64_t *, efi_memory_descriptor *, uint64_t *,
                                       uint64_t *, uint32_t *);
    efi_status(EFIAPI *allocate_pool)(uint32_t, uint64_t, void **);
    efi_status(EFIAPI *free_pool)(void *);
    efi_status(EFIAPI *create_event)(uint32_t, uint64_t, void *, void *, efi_event *);
    efi_status(EFIAPI *set_timer)(efi_event, uint32_t, uint64_t);
    efi_status(EFIAPI *wait_for_event)(uint64_t, efi_event *, uint64_t *);
    void *signal_event, *close_event, *check_event;
    void *install_protocol_interface, *reinstall_protocol_interface,
        *uninstall_protocol_interface;
    efi_status(EFIAPI *handle_protocol)(efi_handle, const efi_guid *, void **);
    void *reserved;
    void *register_protocol_notify, *locate_handle, *locate_device_path,
        *install_configuration_table;
    void *load_image, *start_image, *exit, *unload_image;
    efi_status(EFIAPI *exit_boot_services)(efi_handle, uint64_t);
    void *get_next_monotonic_count;
    efi_status(EFIAPI *stall)(uint64_t);
    efi_status(EFIAPI *set_watchdog_timer)(uint64_t, uint64_t, uint64_t, const char16 *);
    void *connect_controller, *disconnect_controller;
    void *open_protocol, *close_protocol, *open_protocol_information;
    void *protocols_per_handle, *locate_handle_buffer;
    efi_status(EFIAPI *locate_protocol)(const efi_guid *, void *, void **);
    void *install_multiple, *uninstall_multiple;
    void *calculate_crc32, *copy_mem, *set_mem, *create_event_ex;
} efi_boot_services;

#define EFI_EVT_TIMER 0x80000000u
#define EFI_TIMER_RELATIVE 2u

typedef enum {
    EFI_RESET_COLD = 0,
    EFI_RESET_WARM = 1,
    EFI_RESET_SHUTDOWN = 2,
} efi_reset_type;

typedef struct {
    efi_table_header hdr;
    void *get_time, *set_time, *get_wakeup_time, *set_wakeup_time;
    void *set_virtual_address_map, *convert_pointer;
    void *get_variable, *get_next_variable_name, *set_variable;
    void *get_next_high_monotonic_count;
    void(EFIAPI *reset_system)(efi_reset_type, efi_status, uint64_t, void *);
} efi_runtime_services;

typedef struct {
    efi_guid guid;
    void *table;
} efi_configuration_table;

typedef struct {
    efi_table_header hdr;
    char16 *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle console_in_handle;
    efi_text_in *con_in;
    efi_handle console_out_handle;
    efi_text_out *con_out;
    efi_handle standard_error_handle;
    efi_text_out *std_err;
    efi_runtime_services *runtime;
    efi_boot_services *boot;
    uint64_t number_of_table_entries;
    efi_configuration_table *configuration_table;
} efi_system_table;

/* ---- loaded image */
#define EFI_LOADED_IMAGE_GUID \
    {0x5b1b31a1, 0x9562, 0x11d2, {0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct {
    uint32_t revision;
    efi_handle parent;
    efi_system_table *system_table;
    efi_handle device;
    void *file_path;
    void *reserved;
    uint32_t load_options_size;
    void *load_options;
    void *image_base;
    uint64_t image_size;
    uint32_t image_code_type, image_data_type;
    void *unload;
} efi_loaded_image;

/* ---- files */
#define EFI_SIMPLE_FILE_SYSTEM_GUID \
    {0x964e5b22, 0x6459, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct efi_file efi_file;
struct efi_file {
    uint64_t revision;
    efi_status(EFIAPI *open)(efi_file *, efi_file **, const char16 *, uint64_t, uint64_t);
    efi_status(EFIAPI *close)(efi_file *);
    void *del;
    efi_status(EFIAPI *read)(efi_file *, uint64_t *, void *);
    void *write;
    efi_status(EFIAPI *get_position)(efi_file *, uint64_t *);
    efi_status(EFIAPI *set_position)(efi_file *, uint64_t);
    void *get_info, *set_info, *flush;
};
#define EFI_FILE_MODE_READ 1ull

typedef struct efi_simple_fs efi_simple_fs;
struct efi_simple_fs {
    uint64_t revision;
    efi_status(EFIAPI *open_volume)(efi_simple_fs *, efi_file **);
};

/* ---- graphics output */
#define EFI_GOP_GUID \
    {0x9042a9de, 0x23dc, 0x4a38, {0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a}}

typedef struct {
    uint32_t version;
    uint32_t width, height;
    uint32_t pixel_format; /* 0 RGBX, 1 BGRX, 2 bitmask, 3 blt only */
    uint32_t red_mask, green_mask, blue_mask, reserved_mask;
    uint32_t pixels_per_scan_line;
} efi_gop_mode_info;

typedef struct {
    uint32_t max_mode, mode;
    efi_gop_mode_info *info;
    uint64_t size_of_info;
    uint64_t frame_buffer_base;
    uint64_t frame_buffer_size;
} efi_gop_mode;

typedef struct efi_gop efi_gop;
struct efi_gop {
    void *query_mode, *set_mode, *blt;
    efi_gop_mode *mode;
};

/* ---- configuration tables */
#define EFI_ACPI_20_TABLE_GUID \
    {0x8868e871, 0xe4f1, 0x11d3, {0xbc, 0x22, 0x00, 0x80, 0xc7, 0xc2, 0xac, 0xb4}}
#define EFI_ACPI_10_TABLE_GUID \
    {0xeb9d2d30, 0x2d88, 0x11d3, {0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}}

#endif
