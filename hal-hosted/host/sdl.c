/*
 * hal-hosted/host/sdl.c - the simulator's window: the text console until a display
 * service draws something else, and the keyboard as console input.
 *
 * vCPU threads write console output into a character grid (a small VT100 subset:
 * CR, LF, BS, TAB, and CSI K/J/H/A-D/m); the main thread owns SDL and redraws the grid
 * with the project's bitmap font (a PSF font converted at build time) when it changed.
 * Keys become the bytes a terminal would send. Once the display device is used, the
 * window shows it instead (sdl_display.c), the pointer is in the display's pixels and
 * keys go to the input device only (the console keeps standard input). When the input device is live
 * (host/input.c) every key press and release, pointer motion, button and wheel step is
 * also queued there as an event, the pointer in the text grid's pixels (COLS x ROWS
 * cells of the font's size) however the window is scaled.
 *
 * Layer: hal-hosted, host world (libc and SDL2 only).
 */
#define _GNU_SOURCE
#include "host.h"
#include "display.h"
#include "sdl_display.h"

#include <SDL2/SDL.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const int psf_font_width, psf_font_height, psf_font_count, psf_font_bytes;
extern const unsigned char psf_font_glyphs[];
extern const unsigned short psf_font_map[256];

#define COLS 100
#define ROWS 32

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char g_cells[ROWS][COLS];
static int g_cx, g_cy;
static int g_esc; /* 0 none, 1 after ESC, 2 in CSI */
static int g_params[4], g_np;
static volatile bool g_dirty = true;

static void scroll(void)
{
    memmove(g_cells[0], g_cells[1], (ROWS - 1) * COLS);
    memset(g_cells[ROWS - 1], ' ', COLS);
    g_cy = ROWS - 1;
}

static void newline(void)
{
    g_cx = 0;
    if (++g_cy >= ROWS)
        scroll();
}

static void csi(char c)
{
    int p0 = g_np > 0 ? g_params[0] : 0;
    int n = p0 ? p0 : 1;
    switch (c) {
    case 'K':
        memset(&g_cells[g_cy][g_cx], ' ', COLS - g_cx);
        break;
    case 'J':
        if (p0 == 2)
            memset(g_cells, ' ', sizeof(g_cells));
        break;
    case 'H':
        g_cy = g_np > 0 && p0 > 0 ? (p0 - 1) % ROWS : 0;
        g_cx = g_np > 1 && g_params[1] > 0 ? (g_params[1] - 1) % COLS : 0;
        break;
    case 'A': g_cy = g_cy - n < 0 ? 0 : g_cy - n; break;
    case 'B': g_cy = g_cy + n >= ROWS ? ROWS - 1 : g_cy + n; break;
    case 'C': g_cx = g_cx + n >= COLS ? COLS - 1 : g_cx + n; break;
    case 'D': g_cx = g_cx - n < 0 ? 0 : g_cx - n; break;
    default: break; /* colours and the rest are ignored */
    }
}

static void put(unsigned char c)
{
    if (g_esc == 1) {
        g_esc = c == '[' ? 2 : 0;
        g_np = 0;
        memset(g_params, 0, sizeof(g_params));
        return;
    }
    if (g_esc == 2) {
        if (c >= '0' && c <= '9') {
            if (g_np == 0)
                g_np = 1;
            g_params[g_np - 1] = g_params[g_np - 1] * 10 + (c - '0');
        } else if (c == ';') {
            if (g_np < 4)
                g_np++;
        } else if (c >= 0x40 && c <= 0x7e) {
            csi((char)c);
            g_esc = 0;
        }
        return;
    }
    switch (c) {
    case 0x1b: g_esc = 1; break;
    case '\n': newline(); break;
    case '\r': g_cx = 0; break;
    case '\b': if (g_cx > 0) g_cx--; break;
    case '\t': g_cx = (g_cx + 8) & ~7; if (g_cx >= COLS) newline(); break;
    default:
        if (c < 0x20)
            break;
        if (g_cx >= COLS)
            newline();
        g_cells[g_cy][g_cx++] = c;
    }
}

static void mirror(const char *buf, size_t len)
{
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < len; i++)
        put((unsigned char)buf[i]);
    g_dirty = true;
    pthread_mutex_unlock(&g_lock);
}

static void draw(uint32_t *px, int pitch_px)
{
    int fw = psf_font_width, fh = psf_font_height, rowbytes = (fw + 7) / 8;
    pthread_mutex_lock(&g_lock);
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
            const unsigned char *g = psf_font_glyphs + psf_font_map[g_cells[r][c]] * psf_font_bytes;
            bool cursor = r == g_cy && c == g_cx;
            for (int y = 0; y < fh; y++) {
                uint32_t *line = px + (r * fh + y) * pitch_px + c * fw;
                for (int x = 0; x < fw; x++) {
                    bool on = g[y * rowbytes + x / 8] & (0x80 >> (x % 8));
                    if (cursor && y >= fh - 2)
                        on = !on;
                    line[x] = on ? 0xffd0d0d0u : 0xff101418u;
                }
            }
        }
    }
    g_dirty = false;
    pthread_mutex_unlock(&g_lock);
}

static void key(const SDL_KeyboardEvent *k)
{
    char seq[4] = {0};
    SDL_Keycode s = k->keysym.sym;
    if (k->keysym.mod & KMOD_CTRL && s >= SDLK_a && s <= SDLK_z) {
        seq[0] = (char)(s - SDLK_a + 1);
    } else {
        switch (s) {
        case SDLK_RETURN: case SDLK_KP_ENTER: seq[0] = '\r'; break;
        case SDLK_BACKSPACE: seq[0] = 0x7f; break;
        case SDLK_TAB: seq[0] = '\t'; break;
        case SDLK_ESCAPE: seq[0] = 0x1b; break;
        case SDLK_UP: memcpy(seq, "\033[A", 3); break;
        case SDLK_DOWN: memcpy(seq, "\033[B", 3); break;
        case SDLK_RIGHT: memcpy(seq, "\033[C", 3); break;
        case SDLK_LEFT: memcpy(seq, "\033[D", 3); break;
        default: return; /* printable keys arrive as SDL_TEXTINPUT */
        }
    }
    host_console_push(seq, strlen(seq));
}

static int g_px, g_py; /* the pointer, in grid pixels */

void host_sdl_grid_size(uint32_t *w, uint32_t *h)
{
    *w = (uint32_t)(COLS * psf_font_width);
    *h = (uint32_t)(ROWS * psf_font_height);
}

/*
 * The modifiers of the last key event handled. A key event carries its own (SDL sets
 * keysym.mod as it queues it): SDL_GetModState() is the state after every event SDL
 * has read from the display so far, so a fast ctrl+s whose Ctrl release is already
 * read would lose its Ctrl. Pointer events carry no modifiers of their own and take
 * the last key event's, which came before them in the same order.
 */
static SDL_Keymod g_keymod = KMOD_NONE;

static uint32_t input_mods(void)
{
    SDL_Keymod m = g_keymod;
    return ((m & KMOD_SHIFT) ? HOST_INPUT_MOD_SHIFT : 0) | ((m & KMOD_CTRL) ? HOST_INPUT_MOD_CTRL : 0) |
           ((m & KMOD_ALT) ? HOST_INPUT_MOD_ALT : 0) | ((m & KMOD_GUI) ? HOST_INPUT_MOD_META : 0) |
           ((m & KMOD_CAPS) ? HOST_INPUT_MOD_CAPS : 0);
}

static int clamp(int v, int hi) { return v < 0 ? 0 : v >= hi ? hi - 1 : v; }

/*
 * Window coordinates to grid pixels. With a logical size set, SDL's renderer already
 * reports mouse positions in logical (grid) pixels; clamping keeps letterbox margins
 * and anything odd inside the grid.
 */
static void pointer(int x, int y)
{
    uint32_t w = COLS * psf_font_width, h = ROWS * psf_font_height, pitch;
    if (host_display_active())
        host_display_mode(&w, &h, &pitch);
    g_px = clamp(x, (int)w);
    g_py = clamp(y, (int)h);
}

static void input_event(uint32_t type, uint32_t code, int32_t value)
{
    struct host_input_event e = {.type = type, .code = code, .value = value,
                                 .mods = input_mods(), .x = g_px, .y = g_py};
    host_input_push(&e);
}

/* An SDL event for the input device (when it is live). */
static void input(const SDL_Event *ev)
{
    if (!host_input_enabled())
        return;
    switch (ev->type) {
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        if (ev->key.keysym.scancode <= 0 || ev->key.keysym.scancode >= SDL_NUM_SCANCODES)
            return;
        g_keymod = (SDL_Keymod)ev->key.keysym.mod;
        input_event(HOST_INPUT_KEY, (uint32_t)ev->key.keysym.scancode,
                    ev->type == SDL_KEYUP ? 0 : ev->key.repeat ? 2 : 1);
        break;
    case SDL_MOUSEMOTION:
        pointer(ev->motion.x, ev->motion.y);
        input_event(HOST_INPUT_MOTION, 0, 0);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        pointer(ev->button.x, ev->button.y);
        input_event(HOST_INPUT_BUTTON, ev->button.button, ev->type == SDL_MOUSEBUTTONDOWN);
        break;
    case SDL_MOUSEWHEEL: {
        int dx = ev->wheel.x, dy = ev->wheel.y;
        if (ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED) {
            dx = -dx;
            dy = -dy;
        }
        if (dy)
            input_event(HOST_INPUT_WHEEL, 0, dy);
        if (dx)
            input_event(HOST_INPUT_WHEEL, 1, dx);
        break;
    }
    default:
        break;
    }
}

/* No display to open a window on: SDL's probes would only print their own errors. An
 * SDL_VIDEODRIVER chosen by the user is left to SDL. */
bool host_sdl_no_display(void)
{
    return !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER");
}

int host_sdl_run(const char *title)
{
    memset(g_cells, ' ', sizeof(g_cells));
    if (host_sdl_no_display()) {
        fprintf(stderr, "serviceos-sim: no display (DISPLAY and WAYLAND_DISPLAY are unset): "
                        "no window, the console is this terminal\n");
        return -1;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "serviceos-sim: no window (%s); use --headless\n", SDL_GetError());
        return -1;
    }
    int w = COLS * psf_font_width, h = ROWS * psf_font_height;
    SDL_Window *win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       w, h, SDL_WINDOW_RESIZABLE);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, 0) : NULL;
    SDL_Texture *tex = ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888,
                                               SDL_TEXTUREACCESS_STREAMING, w, h) : NULL;
    if (!tex) {
        fprintf(stderr, "serviceos-sim: cannot open a window (%s); use --headless\n", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_VIDEO); /* the sound device stays */
        return -1;
    }
    SDL_RenderSetLogicalSize(ren, w, h);
    host_console_set_mirror(mirror);
    SDL_StartTextInput();
    while (host_power_status() < 0) {
        SDL_Event ev;
        bool redraw = false;
        /* Display requests are noticed within 4 ms; pushing an SDL event from a vCPU
         * thread instead would make SDL send an X event to a window this thread may be
         * closing at that moment. */
        if (SDL_WaitEventTimeout(&ev, host_display_active() ? 4 : 20)) {
            do {
                if (ev.type == SDL_QUIT) {
                    host_console_set_mirror(NULL);
                    SDL_Quit();
                    return 1; /* closed by the user */
                }
                input(&ev);
                bool console = !host_display_active(); /* keys are the text UI's until then */
                if (console && ev.type == SDL_TEXTINPUT)
                    host_console_push(ev.text.text, strlen(ev.text.text));
                else if (console && ev.type == SDL_KEYDOWN)
                    key(&ev.key);
                if (ev.type == SDL_WINDOWEVENT)
                    g_dirty = redraw = true;
            } while (SDL_PollEvent(&ev));
        }
        if (host_sdl_display_frame(win, ren, redraw))
            continue; /* the display owns the window now */
        if (g_dirty) {
            void *px;
            int pitch;
            if (SDL_LockTexture(tex, NULL, &px, &pitch) == 0) {
                draw(px, pitch / 4);
                SDL_UnlockTexture(tex);
            }
            SDL_RenderClear(ren);
            SDL_RenderCopy(ren, tex, NULL, NULL);
            SDL_RenderPresent(ren);
        }
    }
    host_console_set_mirror(NULL);
    SDL_Quit();
    return 0;
}
