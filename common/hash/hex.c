/*
 * hex.c - bytes <-> lower-case hexadecimal digits (hex.h).
 *
 * hex_decode checks every digit before it writes a byte, so a caller's buffer keeps its
 * old value when the text is refused.
 */
#include "hex.h"

static const char g_digits[] = "0123456789abcdef";

void hex_encode(const uint8_t *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = g_digits[in[i] >> 4];
        out[2 * i + 1] = g_digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int hex_decode(const char *in, size_t len, uint8_t *out, size_t n)
{
    if (len != 2 * n)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (hex_digit(in[i]) < 0)
            return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(hex_digit(in[2 * i]) << 4 | hex_digit(in[2 * i + 1]));
    return 0;
}
