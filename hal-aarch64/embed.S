/*
 * hal-aarch64/embed.S - a file embedded in kernel8.img, so the Pi boots from one file:
 * the init image (section .init_image) or the boot store bundle (.bootstore). The
 * build passes EMBED_PATH and EMBED_SECTION; kernel.ld places each section between
 * its start and end symbols, page aligned, in the read-only part of the image.
 */
    .section EMBED_SECTION, "a"
    .balign 4096
    .incbin EMBED_PATH
