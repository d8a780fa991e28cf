/*
 * tests/fuzz/fuzz_replay.c - main() for a fuzz target built without libFuzzer: run every
 * input named on the command line (files, or every file in a directory) once through
 * LLVMFuzzerTestOneInput. The normal build replays each committed corpus this way, so
 * the regression seeds run with gcc too. Prints one TAP line; a crashing input aborts
 * (the last "# input" line on stderr names it).
 *
 * Layer: tests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned g_runs;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    fprintf(stderr, "# input %s (%zu bytes)\n", path, n);
    uint8_t *copy = malloc(n ? n : 1); /* exactly n bytes, as libFuzzer passes them */
    memcpy(copy, buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    g_runs++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st)) {
        perror(path);
        exit(1);
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    struct dirent **ents;
    int n = scandir(path, &ents, NULL, by_name);
    for (int i = 0; i < n; i++) {
        char full[4096];
        snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
        if (ents[i]->d_name[0] != '.' && !stat(full, &st) && S_ISREG(st.st_mode))
            run_file(full);
        free(ents[i]);
    }
    free(ents);
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "fuzz";
    for (int i = 2; i < argc; i++)
        run_path(argv[i]);
    printf("1..1\nok 1 - %s: %u corpus input(s) replayed clean\n", name, g_runs);
    return 0;
}
