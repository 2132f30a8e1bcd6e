/*
 * noinput.c — the refusal of a header, row or record that gives no input
 * a value, and its one message (see noinput.h).
 */
#include "noinput.h"

#include <string.h>

#include "lookalike.h"

/* A message written into a caller's buffer: pieces that fit whole, so a
 * cut never splits a character or an escape. */
typedef struct sink {
    char *buf;
    size_t size, len;
    int full;
} sink;

static void put(sink *o, const char *s, size_t n)
{
    if (o->full || o->len + n >= o->size) {
        o->full = 1;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void puts_(sink *o, const char *s)
{
    put(o, s, strlen(s));
}

/* A name as every message shows it: escaped as lookalike.h says, cut. */
static void put_name(sink *o, const char *s)
{
    size_t n = strlen(s), cut = n, i = 0, len;
    if (n > NOINPUT_NAME_BYTES) {
        cut = NOINPUT_NAME_BYTES;
        while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    put(o, "'", 1);
    while (i < cut) {
        char esc[CP_ESCAPE_SIZE];
        int32_t c = utf8_decode(s + i, cut - i, &len);
        if (cp_escape(c, (unsigned char)s[i], esc))
            puts_(o, esc);
        else
            put(o, s + i, len);
        i += len;
    }
    puts_(o, cut < n ? "…'" : "'");
}

static int id_or_date(const char *name)
{
    return !strcmp(name, "id") || !strcmp(name, "date");
}

/* "has 'a', 'b', …", "has only 'id'", "has no key". */
static void put_names(sink *o, int table, const char *const *names, size_t n)
{
    size_t shown = 0, j;
    for (j = 0; j < n && shown < NOINPUT_NAMES_SHOWN; j++) {
        if (id_or_date(names[j]))
            continue;
        puts_(o, shown++ ? ", " : " has ");
        put_name(o, names[j]);
    }
    if (!shown) /* only id and date, or nothing at all */
        for (j = 0; j < n && shown < NOINPUT_NAMES_SHOWN; j++) {
            puts_(o, shown++ ? ", " : " has only ");
            put_name(o, names[j]);
        }
    if (!n)
        puts_(o, table ? " has no column" : " has no key");
    else if (j < n)
        puts_(o, ", …");
}

int noinput_refuses(const ql_ruleset *rs, size_t given)
{
    return !given && ql_ruleset_input_count(rs) > 0;
}

char *noinput_message(char *buf, size_t size, const ql_ruleset *rs, int table,
                      const char *holder, const char *const *names, size_t n)
{
    size_t ninputs = ql_ruleset_input_count(rs);
    sink o = {buf, size, 0, 0};
    if (!size)
        return buf;
    buf[0] = '\0';
    puts_(&o, table ? "no column is an input of the rule set '"
                    : "no key is an input of the rule set '");
    const char *id = ql_ruleset_meta(rs, "id");
    puts_(&o, id ? id : "");
    puts_(&o, "' (");
    puts_(&o, holder);
    put_names(&o, table, names, n);
    for (size_t i = 0; i < ninputs && i < 3; i++) {
        puts_(&o, i ? ", " : "; the rules read ");
        puts_(&o, ql_ruleset_input_name(rs, i));
    }
    puts_(&o, ninputs > 3 ? ", …): " : "): ");
    puts_(&o, table ? "every row" : "it");
    puts_(&o, " would be evaluated on the inputs' defaults alone");
    return buf;
}
