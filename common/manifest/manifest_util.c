/*
 * manifest_util.c - string helpers for the manifest library, and enum names.
 *
 * The freestanding build has no libc string functions of its own to rely on, so the
 * few this library needs are here, with the edit distance behind "did you mean".
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "manifest_impl.h"

size_t m_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

bool m_streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

void m_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = 0;
    if (!size)
        return;
    while (src[n] && n + 1 < size) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = 0;
}

/* Optimal string alignment distance: insertions, deletions, substitutions and swaps of
 * two neighbours each cost 1, so "restrat" is one step from "restart". */
unsigned m_edit_distance(const char *a, const char *b)
{
    enum { MAX = 40 };
    unsigned rows[3][MAX + 1];
    unsigned *older = rows[0], *prev = rows[1], *cur = rows[2];
    size_t la = m_strlen(a), lb = m_strlen(b);
    if (la > MAX || lb > MAX)
        return 255;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                older[j - 2] + 1 < best)
                best = older[j - 2] + 1;
            cur[j] = best;
        }
        unsigned *t = older;
        older = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

bool m_close_enough(size_t len, unsigned d)
{
    return d > 0 && ((d <= 1 && len >= 3) || (d <= 2 && len >= 5) || (d <= 3 && len >= 9));
}

bool m_valid_name(const char *s)
{
    size_t n = 0;
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return n <= MANIFEST_NAME_MAX;
}

const char *manifest_startup_name(unsigned v)
{
    return v == MANIFEST_STARTUP_EAGER ? "eager" : v == MANIFEST_STARTUP_ON_DEMAND ? "on-demand" : "?";
}

const char *manifest_availability_name(unsigned v)
{
    return v == MANIFEST_REQUIRED ? "required" : v == MANIFEST_OPTIONAL ? "optional" : "?";
}

const char *manifest_restart_name(unsigned v)
{
    static const char *const names[] = {"never", "always", "on-failure", "fail-stop"};
    return v < 4 ? names[v] : "?";
}
