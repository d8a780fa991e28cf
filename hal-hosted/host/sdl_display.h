/*
 * hal-hosted/host/sdl_display.h - the window's thread's side of the display
 * (sdl_display.c), called from sdl.c's loop.
 *
 * Layer: hal-hosted, host world (libc and SDL2 only).
 */
#ifndef HAL_HOSTED_HOST_SDL_DISPLAY_H
#define HAL_HOSTED_HOST_SDL_DISPLAY_H

#include <SDL2/SDL.h>
#include <stdbool.h>

/*
 * Show what the display device asked for since the last frame (redraw: the window
 * needs repainting anyway). False while the display is unused: the window is still
 * the text console's.
 */
bool host_sdl_display_frame(SDL_Window *win, SDL_Renderer *ren, bool redraw);

#endif
