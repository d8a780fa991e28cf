/*
 * services/security/store.c - what the security service keeps in storage, in its own
 * directory state/security (a storage:read+write grant reaches nothing else):
 *
 *   audit.log   the history, one hash-chained record per line (chain.h); appended to
 *               and synced record by record, never rewritten
 *   audit.head  "<seq> <hash>" of the last record appended, replaced atomically after
 *               each append: a log cut at the end (whole records removed) no longer
 *               reaches the head, which verification reports
 *   policy      the launch policy's rules (policy.h's text form), replaced atomically
 *   grants      the remembered capability rules (grants.c)
 *   repos       the repositories last seen (trust.c)
 *   apps/<ns>   the storage namespaces lent on approval (caps.c)
 *
 * At start the log is read back to find where the chain stands (its last line: new
 * records link to what is on disk, even after damage, so the damage stays visible);
 * verification happens on every read (security audit), not only at start. The
 * directory is kept open across storage restarts (stc_kept_dir, client/storage.h).
 *
 * Layer: services (security).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>

#include <proto/config.h>
#include <proto/storage.h>

#include <client/storage.h>

#include "security.h"

#define LOG_FILE "audit.log"
#define HEAD_FILE "audit.head"
#define POLICY_FILE "policy"
#define LOG_MAX (4u << 20)

static struct sl_conn_to g_storage, g_config;
static struct stc_kept_dir g_kept; /* state/security (.dir 0: none) */
static uint64_t g_log_size;
static uint32_t g_dflt = SEC_ALLOW;

/* The chain's state from the log's last line (an empty or unreadable log: a new one). */
static void resume_chain(const char *text, size_t len)
{
    sec_chain_init(&g_sec.chain);
    while (len && text[len - 1] == '\n')
        len--;
    size_t start = len;
    while (start && text[start - 1] != '\n')
        start--;
    struct sec_record r;
    if (len > start && sec_record_parse(text + start, len - start, &r) == 0) {
        g_sec.chain.seq = r.seq;
        memcpy(g_sec.chain.last, r.hash, SEC_CHAIN_HASH);
    }
}

static void load_policy(void)
{
    char *text;
    size_t len;
    if (stc_read_file(g_kept.dir, POLICY_FILE, 64u << 10, &text, &len))
        return;
    unsigned line = 0;
    if (sec_policy_parse(&g_sec.policy, text, len, &line))
        printf("security: state/security/policy line %u is unusable: the policy file is ignored\n",
               line);
    free(text);
}

/* The policy and where the chain stands, read once storage can be reached: nothing is
 * appended before (an append at offset 0 over an unread log would destroy it). */
static bool g_loaded;

static int load_state(void)
{
    if (g_loaded)
        return 0;
    char *text = NULL;
    size_t len = 0;
    uint64_t head;
    int err = sec_store_read_log(&text, &len, &head);
    if (err)
        return err;
    load_policy();
    resume_chain(text, len);
    g_log_size = len;
    free(text);
    g_loaded = true;
    return 0;
}

int sec_store_open(void)
{
    sl_conn_to_init(&g_storage, "storage", sos_startup_handle("storage"));
    sl_conn_to_init(&g_config, "config", sos_startup_handle("config"));
    sl_conn_to_keep(&g_sec.srv, &g_config);
    g_dflt = sec_default_verdict();
    sec_policy_init(&g_sec.policy, g_dflt);
    int err = stc_kept_dir_start(&g_kept, &g_sec.srv, &g_storage, "state");
    return err ? err : load_state();
}

uint32_t sec_default_verdict(void)
{
    uint8_t b[128], rb[128];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, CONFIG_GET);
    sl_msg_put_str(&req, "security.default_launch");
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, CONFIG_GET);
    struct sl_parse p;
    uint32_t v;
    sos_signals_t seen = 0;
    /* only over a live channel: a lookup would ask the root manager, which may be
     * waiting in SEC_CHECK_LAUNCH for this very answer (sl_conn_to_keep makes the
     * channel again when config restarts) */
    if (!g_config.ch || sos_object_wait_one(g_config.ch, SOS_SIG_PEER_CLOSED, 0, &seen) == 0)
        return g_dflt;
    if (sl_msg_finish(&req) == 0 &&
        sl_call(g_config.ch, &req, &rep, sos_deadline_after(SOS_MS(1000))) == 0 &&
        sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL) == 0) {
        sl_parse_u32(&p);
        const char *s = sl_parse_str(&p, NULL);
        if (!sl_parse_end(&p) && s && sec_verdict_parse(s, &v) == 0)
            g_dflt = v;
    }
    return g_dflt; /* config away or the key unset: the last value known */
}

static int append_line(const char *line, size_t n)
{
    sos_handle_t f;
    int err = g_kept.dir ? 0 : stc_kept_dir_reopen(&g_kept);
    if (!err)
        err = load_state();
    if (!err)
        err = stc_open(g_kept.dir, LOG_FILE, STORAGE_R_READ | STORAGE_R_WRITE, STORAGE_O_CREATE, &f);
    if (err)
        return err;
    err = stc_write(f, g_log_size, line, n);
    if (!err)
        err = stc_sync(f);
    sos_handle_close(f);
    if (err)
        return err;
    g_log_size += n;
    char head[32 + 2 * SEC_CHAIN_HASH];
    int hn = snprintf(head, sizeof(head), "%llu ", (unsigned long long)g_sec.chain.seq);
    for (int i = 0; i < SEC_CHAIN_HASH; i++)
        hn += snprintf(head + hn, sizeof(head) - (size_t)hn, "%02x", g_sec.chain.last[i]);
    return stc_replace_file(g_kept.dir, HEAD_FILE, head, (size_t)hn);
}

void sec_audit(const char *fmt, ...)
{
    char text[SEC_CHAIN_TEXT_MAX + 1], line[SEC_CHAIN_LINE_MAX + 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    struct sec_chain before = g_sec.chain;
    int n = sec_chain_append(&g_sec.chain, (uint64_t)sos_clock_get(), text, line, sizeof(line));
    int err = n < 0 ? n : append_line(line, (size_t)n);
    if (err) {
        g_sec.chain = before;
        printf("security: cannot keep an audit record (%s): %s\n", sos_strerror(err), text);
    }
}

int sec_store_ready(void)
{
    int err = g_kept.dir ? 0 : stc_kept_dir_reopen(&g_kept);
    return err ? err : load_state();
}

/* Replace file `name` in our directory, opening it again once if storage restarted. */
int sec_store_put(const char *name, const char *text, size_t len)
{
    int err = g_kept.dir ? stc_replace_file(g_kept.dir, name, text, len) : SOS_ERR_BAD_HANDLE;
    if (err && stc_kept_dir_reopen(&g_kept) == 0) /* storage restarted, say: retry once */
        err = stc_replace_file(g_kept.dir, name, text, len);
    return err;
}

int sec_store_subdir(const char *parent, const char *name, sos_handle_t *out)
{
    char path[96];
    int err = sec_store_ready();
    if (!err && (err = stc_mkdir(g_kept.dir, parent)) == SOS_ERR_ALREADY_EXISTS)
        err = 0;
    snprintf(path, sizeof(path), "%s/%s", parent, name);
    if (!err && (err = stc_mkdir(g_kept.dir, path)) == SOS_ERR_ALREADY_EXISTS)
        err = 0;
    return err ? err : stc_open(g_kept.dir, path, STORAGE_R_ALL, STORAGE_O_DIR, out);
}

int sec_store_get(const char *name, char **text, size_t *len)
{
    int err = sec_store_ready();
    return err ? err : stc_read_file(g_kept.dir, name, 64u << 10, text, len);
}

int sec_store_policy(const struct sec_policy *p)
{
    if (!g_loaded)
        return SOS_ERR_BAD_STATE; /* the rules on disk would be replaced unseen */
    size_t need = sec_policy_format(p, NULL, 0) + 1;
    char *text = malloc(need);
    if (!text)
        return SOS_ERR_NO_MEMORY;
    size_t n = sec_policy_format(p, text, need);
    int err = sec_store_put(POLICY_FILE, text, n);
    free(text);
    return err;
}

int sec_store_read_log(char **text, size_t *len, uint64_t *head_seq)
{
    int err = g_kept.dir ? 0 : stc_kept_dir_reopen(&g_kept);
    if (!err)
        err = stc_read_file(g_kept.dir, LOG_FILE, LOG_MAX, text, len);
    if (err == SOS_ERR_NOT_FOUND) {
        *text = calloc(1, 1);
        *len = 0;
        err = *text ? 0 : SOS_ERR_NO_MEMORY;
    }
    if (err)
        return err;
    *head_seq = 0;
    char *h;
    size_t hl;
    if (stc_read_file(g_kept.dir, HEAD_FILE, 256, &h, &hl) == 0) {
        *head_seq = strtoull(h, NULL, 10);
        free(h);
    }
    return 0;
}
