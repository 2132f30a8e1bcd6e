/*
 * yamltree.c — YAML text to a small node tree with positions.
 *
 * libyaml's event parser does the scanning; this file builds the tree with
 * an explicit stack, so nesting depth is bounded and checked, and refuses
 * what a rules file never needs and an attacker would love: anchors and
 * aliases (no "billion laughs"), explicit tags, several documents, complex
 * keys and duplicate keys (which libyaml itself accepts silently).  Every
 * scalar stays text: a rules file's "0.015" or "2024-01-01" is interpreted
 * by the loader in context, never by YAML 1.1's implicit typing ("no" is
 * not false here, and 0.015 never becomes binary floating point).
 */
#include "utf8.h"
#include "util.h"
#include "yamltree.h"
#include "snippet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
    ynode *node;
    ynode **items;
    size_t n, cap;
} frame;

static int push_item(frame *f, ynode *item)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        ynode **p = realloc(f->items, cap * sizeof *p);
        if (!p)
            return -1;
        f->items = p;
        f->cap = cap;
    }
    f->items[f->n++] = item;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    const ynode *x = *(ynode *const *)a, *y = *(ynode *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    /* equal keys: order by position so the later one is reported */
    return x->line != y->line ? x->line - y->line : x->column - y->column;
}

/* Finds a key a map repeats: *dup is the later occurrence, *first the
 * earlier; both stay NULL when every key differs. */
static ql_status find_duplicate(const ynode *map, const ynode **dup,
                                const ynode **first, ql_error *err)
{
    if (map->n < 2)
        return QL_OK;
    ynode **keys = malloc(map->n * sizeof *keys);
    if (!keys)
        return qli_fail(err, QL_ENOMEM, map->doc->file, 0, 0, "out of memory");
    for (size_t i = 0; i < map->n; i++)
        keys[i] = map->items[2 * i];
    qsort(keys, map->n, sizeof *keys, key_cmp);
    for (size_t i = 1; i < map->n; i++)
        if (keys[i]->len == keys[i - 1]->len &&
            memcmp(keys[i]->text, keys[i - 1]->text, keys[i]->len) == 0) {
            *dup = keys[i];
            *first = keys[i - 1];
            break;
        }
    free(keys);
    return QL_OK;
}

ql_status qli_ytree_duplicate(ql_error *err, const ynode *dup,
                              const ynode *first)
{
    return qli_yfail(err, QL_EPARSE, dup, "duplicate key %s (first at line %d)",
                     QLI_QUOTE_N(dup->text, dup->len), first->line);
}

static ynode *new_node(ql_arena *ar, const ydoc *doc, yn_kind kind,
                       const yaml_mark_t *m)
{
    ynode *n = qli_ar_alloc(ar, sizeof *n);
    if (n) {
        n->kind = kind;
        n->doc = doc;
        n->line = (int)m->line + 1;
        n->column = (int)m->column + 1;
    }
    return n;
}

static ql_status event_fail(ql_error *err, const ydoc *doc,
                            const yaml_event_t *ev, const char *what)
{
    return qli_fail(err, QL_EPARSE, doc->file, (int)ev->start_mark.line + 1,
                   (int)ev->start_mark.column + 1, "%s", what);
}

/* Line and column (1-based, the column in characters) of byte off of
 * the document, as libyaml's marks count them for valid text. */
static void doc_place(const ydoc *doc, size_t off, int *line, int *col)
{
    const unsigned char *t = (const unsigned char *)doc->text;
    *line = *col = 1;
    for (size_t i = 0; i < off && i < doc->len; i++) {
        if (t[i] == '\n') {
            ++*line;
            *col = 1;
        } else if ((t[i] & 0xC0) != 0x80)
            ++*col;
    }
}

/* Where the first odd line end that begins with byte b is (a CR, 0xC2
 * of a NEL, 0xE2 of U+2028/U+2029), or len.  memchr from one b to the
 * next: a loop over every byte was 8 % of a Jilin load's instructions. */
static size_t first_odd(const unsigned char *t, size_t len, unsigned char b)
{
    for (size_t i = 0; i < len;) {
        const unsigned char *hit = memchr(t + i, b, len - i);
        if (!hit)
            return len;
        i = (size_t)(hit - t);
        if (b == '\r' ? i + 1 == len || t[i + 1] != '\n'
            : b == 0xC2 ? i + 1 < len && t[i + 1] == 0x85
                        : i + 2 < len && t[i + 1] == 0x80 &&
                              (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
            return i;
        i++;
    }
    return len;
}

/* libyaml ends a line at a CR alone, a NEL (U+0085) and U+2028/U+2029
 * too, where qli_ynode_locate counts only LF (CRLF is one LF): with any
 * of them, every location after it would be wrong (P2-23).  Such a file
 * is refused at the first, located by LF lines; the separators may still
 * be written in a double-quoted string as \N, \L and \P. */
static ql_status odd_line_ends(const ydoc *doc, ql_error *err)
{
    const unsigned char *t = (const unsigned char *)doc->text;
    size_t n = doc->len, cr = first_odd(t, n, '\r'),
           nel = first_odd(t, n, 0xC2), sep = first_odd(t, n, 0xE2);
    size_t at = cr < nel ? cr : nel;
    if (sep < at)
        at = sep;
    if (at == n)
        return QL_OK;
    const char *what =
        at == cr    ? "a CR without LF: line ends must be LF or CRLF"
        : at == nel ? "a NEL (U+0085), which YAML reads as a line end: write "
                      "it as \\N in a double-quoted string"
                    : "a line or paragraph separator (U+2028, U+2029), which "
                      "YAML reads as a line end: write it as \\L or \\P in a "
                      "double-quoted string";
    int line, col;
    doc_place(doc, at, &line, &col);
    return qli_fail(err, QL_EPARSE, doc->file, line, col, "%s", what);
}

/* The first byte at or after line_start (a line's first byte) that YAML
 * text may not hold, up to a little past off (where libyaml stopped):
 * bytes that are not UTF-8, named as the byte that starts them (libyaml's
 * offset and value are those of the byte after a broken lead byte: "caf\xE9"
 * was put at the closing quote, as 0x22), and the characters YAML refuses
 * (controls, U+FFFE, U+FFFF).  QL_OK when the scan finds neither. */
static ql_status text_fault(const ydoc *doc, size_t off, ql_error *err)
{
    const unsigned char *t = (const unsigned char *)doc->text;
    size_t i = off < doc->len ? off : doc->len, len;
    while (i > 0 && t[i - 1] != '\n')
        i--;
    for (; i < doc->len && i <= off + 4; i += len) {
        long c = qli_utf8_decode(t + i, doc->len - i, &len);
        int line, col;
        if (c >= 0 && (c == '\t' || c == '\n' || c == '\r' ||
                       (c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F) &&
                        c != 0xFFFE && c != 0xFFFF) || c == 0x85))
            continue;
        doc_place(doc, i, &line, &col);
        if (c == 0)
            return qli_fail(err, QL_EPARSE, doc->file, line, col,
                            "the file holds a NUL byte: rules and test "
                            "files are UTF-8 text");
        if (c > 0)
            return qli_fail(err, QL_EPARSE, doc->file, line, col,
                            "U+%04lX, %s, is not allowed in YAML text: "
                            "write it as the escape \\u%04lX in a "
                            "double-quoted string",
                            (unsigned long)c,
                            c >= 0xFFFE ? "a noncharacter" : "a control character",
                            (unsigned long)c);
        char why[160];
        qli_utf8_why(t + i, doc->len - i, why, sizeof why);
        return qli_fail(err, QL_EPARSE, doc->file, line, col,
                        "byte 0x%02X is not UTF-8 (%s): rules and test files "
                        "are UTF-8 text; save this one as UTF-8",
                        t[i], why);
    }
    return QL_OK;
}

static ql_status parse(ynode **out, const ynode **dup, const ynode **first,
                       const ydoc *doc, ql_arena *ar, ql_error *err)
{
    ql_status odd = odd_line_ends(doc, err);
    if (odd)
        return odd;
    /* libyaml would stop at a NUL as a control character; a binary file
     * is named as such, at its first NUL */
    const char *nul = memchr(doc->text, '\0', doc->len);
    if (nul)
        return text_fault(doc, (size_t)(nul - doc->text), err);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return qli_fail(err, QL_ENOMEM, doc->file, 0, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)doc->text,
                                 doc->len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    frame stack[QL_MAX_YAML_DEPTH + 1];
    int depth = 0; /* frames in use; stack[0] collects the root */
    memset(stack, 0, sizeof stack);
    ynode *root = NULL;
    size_t nodes = 0;
    int docs = 0, done = 0;
    ql_status st = QL_OK;

    while (!done && st == QL_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem ? parser.problem : "error";
            if (parser.error == YAML_READER_ERROR &&
                (st = text_fault(doc, parser.problem_offset, err)))
                ;
            else if (parser.error == YAML_READER_ERROR) {
                /* what the scan does not know (no such text yet seen):
                 * libyaml's byte offset, not a mark, and its words */
                int line, col;
                doc_place(doc, parser.problem_offset, &line, &col);
                st = qli_fail(err, QL_EPARSE, doc->file, line, col,
                             "not UTF-8 text: %s", problem);
            } else if (parser.context)
                st = qli_fail(err, QL_EPARSE, doc->file,
                             (int)parser.problem_mark.line + 1,
                             (int)parser.problem_mark.column + 1,
                             "YAML syntax: %s %s (line %d)", problem,
                             parser.context, (int)parser.context_mark.line + 1);
            else
                st = qli_fail(err, QL_EPARSE, doc->file,
                             (int)parser.problem_mark.line + 1,
                             (int)parser.problem_mark.column + 1,
                             "YAML syntax: %s", problem);
            break;
        }
        ynode *made = NULL;
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_NO_EVENT:
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                st = event_fail(err, doc, &ev,
                                "a rules file holds one YAML document only");
            break;
        case YAML_DOCUMENT_END_EVENT:
            break;
        case YAML_ALIAS_EVENT:
            st = event_fail(err, doc, &ev,
                            "YAML aliases (*name) are not allowed in rules files");
            break;
        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.anchor || (ev.data.scalar.tag &&
                                          !ev.data.scalar.plain_implicit &&
                                          !ev.data.scalar.quoted_implicit)) {
                st = event_fail(err, doc, &ev,
                                "YAML anchors (&name) and tags (!tag) are not "
                                "allowed in rules files");
                break;
            }
            if (ev.data.scalar.length > QL_MAX_SCALAR) {
                st = event_fail(err, doc, &ev, "scalar longer than 1 MiB");
                break;
            }
            /* An escape ("\0", "\u0000", "\x00") puts a NUL inside a
             * scalar: every name, value and path is a C string to the
             * rest of the library, which would read it cut short
             * ("ok.yaml\0x" as ok.yaml). */
            if (memchr(ev.data.scalar.value, 0, ev.data.scalar.length)) {
                st = event_fail(err, doc, &ev,
                                "a NUL character (an escape such as \\0 or "
                                "\\u0000) inside a string: not allowed in "
                                "a rules file");
                break;
            }
            made = new_node(ar, doc, YN_SCALAR, &ev.start_mark);
            if (made) {
                made->text = qli_ar_strndup(ar, (const char *)ev.data.scalar.value,
                                        ev.data.scalar.length);
                made->len = ev.data.scalar.length;
                switch (ev.data.scalar.style) {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: made->quoted = 1; break;
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: made->quoted = 2; break;
                case YAML_LITERAL_SCALAR_STYLE: made->quoted = 3; break;
                case YAML_FOLDED_SCALAR_STYLE: made->quoted = 4; break;
                default: made->quoted = 0;
                }
                if (!made->text)
                    made = NULL;
            }
            if (!made)
                st = qli_fail(err, QL_ENOMEM, doc->file, 0, 0, "out of memory");
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int is_map = ev.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *anchor = is_map ? ev.data.mapping_start.anchor
                                               : ev.data.sequence_start.anchor;
            int implicit = is_map ? ev.data.mapping_start.implicit
                                  : ev.data.sequence_start.implicit;
            const yaml_char_t *tag = is_map ? ev.data.mapping_start.tag
                                            : ev.data.sequence_start.tag;
            if (anchor || (tag && !implicit)) {
                st = event_fail(err, doc, &ev,
                                "YAML anchors (&name) and tags (!tag) are not "
                                "allowed in rules files");
                break;
            }
            if (depth >= QL_MAX_YAML_DEPTH) {
                st = event_fail(err, doc, &ev,
                                "nesting deeper than " QL_STR(QL_MAX_YAML_DEPTH) " levels");
                break;
            }
            ynode *n = new_node(ar, doc, is_map ? YN_MAP : YN_SEQ,
                                &ev.start_mark);
            if (!n) {
                st = qli_fail(err, QL_ENOMEM, doc->file, 0, 0, "out of memory");
                break;
            }
            depth++;
            stack[depth].node = n;
            stack[depth].n = 0;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            frame *f = &stack[depth];
            ynode *n = f->node;
            size_t count = f->n;
            n->items = qli_ar_alloc(ar, (count ? count : 1) * sizeof *n->items);
            if (!n->items) {
                st = qli_fail(err, QL_ENOMEM, doc->file, 0, 0, "out of memory");
                break;
            }
            if (count)
                memcpy(n->items, f->items, count * sizeof *n->items);
            n->n = n->kind == YN_MAP ? count / 2 : count;
            f->n = 0;
            depth--;
            if (n->kind == YN_MAP && !*dup)
                st = find_duplicate(n, dup, first, err);
            made = n;
            break;
        }
        }
        if (made && st == QL_OK) {
            if (++nodes > QL_MAX_YAML_NODES) {
                st = event_fail(err, doc, &ev, "more than " QL_STR(QL_MAX_YAML_NODES) " YAML nodes");
            } else if (depth == 0) {
                root = made;
            } else {
                frame *f = &stack[depth];
                if (f->node->kind == YN_MAP && f->n % 2 == 0 &&
                    made->kind != YN_SCALAR)
                    st = qli_yfail(err, QL_EPARSE, made,
                               "a mapping key must be a plain scalar");
                else if (push_item(f, made))
                    st = qli_fail(err, QL_ENOMEM, doc->file, 0, 0,
                                 "out of memory");
            }
        }
        yaml_event_delete(&ev);
    }
    for (int i = 0; i <= QL_MAX_YAML_DEPTH; i++)
        free(stack[i].items);
    yaml_parser_delete(&parser);
    if (st != QL_OK)
        return st;
    if (!root)
        return qli_fail(err, QL_ESCHEMA, doc->file, 1, 1,
                       "the file is empty: expected a rules mapping");
    *out = root;
    return QL_OK;
}

void qli_ydoc_skip_bom(ydoc *doc)
{
    if (doc->len >= 3 && !memcmp(doc->text, "\xEF\xBB\xBF", 3)) {
        doc->text += 3;
        doc->len -= 3;
    }
}

ql_status qli_ytree_parse(ynode **out, const ydoc *doc, ql_arena *ar,
                          ql_error *err)
{
    const ynode *dup = NULL, *first = NULL;
    ql_status st = parse(out, &dup, &first, doc, ar, err);
    return st ? st : dup ? qli_ytree_duplicate(err, dup, first) : QL_OK;
}

ql_status qli_ytree_parse_lax(ynode **out, const ynode **dup,
                              const ynode **first, const ydoc *doc,
                              ql_arena *ar, ql_error *err)
{
    *dup = *first = NULL;
    return parse(out, dup, first, doc, ar, err);
}

const ynode *qli_ymap_get(const ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const ynode *k = map->items[2 * i];
        if (k->len == kl && memcmp(k->text, key, kl) == 0)
            return map->items[2 * i + 1];
    }
    return NULL;
}

/* Byte offset in the document of line/column (1-based, column counted in
 * characters). */
static size_t doc_offset(const ydoc *doc, int line, int column)
{
    size_t p = 0;
    for (int l = 1; l < line && p < doc->len; p++)
        if (doc->text[p] == '\n')
            l++;
    for (int c = 1; c < column && p < doc->len; c++) {
        p++;
        while (p < doc->len && ((unsigned char)doc->text[p] & 0xC0) == 0x80)
            p++;
    }
    return p;
}

/* The YAML double-quoted escape at s (s[0] is the backslash): its length
 * in the source (*src) and in the value (*val, UTF-8 bytes); 0 for what
 * is no escape (the walk then matches bytes as before). */
static int escape_size(const char *s, size_t n, size_t *src, size_t *val)
{
    if (n < 2)
        return 0;
    int digits = s[1] == 'x' ? 2 : s[1] == 'u' ? 4 : s[1] == 'U' ? 8 : 0;
    if (digits) {
        unsigned long cp = 0;
        if (n < 2 + (size_t)digits)
            return 0;
        for (int k = 0; k < digits; k++) {
            char c = s[2 + k];
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0)
                return 0;
            cp = cp * 16 + (unsigned long)d;
        }
        *src = 2 + (size_t)digits;
        *val = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        return 1;
    }
    *src = 2;
    switch (s[1]) {
    case 'N': /* U+0085 */
    case '_': /* U+00A0 */
        *val = 2;
        return 1;
    case 'L': /* U+2028 */
    case 'P': /* U+2029 */
        *val = 3;
        return 1;
    case '0': case 'a': case 'b': case 't': case '\t': case 'n': case 'v':
    case 'f': case 'r': case 'e': case ' ': case '"': case '/': case '\\':
        *val = 1;
        return 1;
    default: /* an escaped line break: nothing in the value */
        return 0;
    }
}

void qli_ynode_locate(const ynode *n, size_t offset, int *line, int *column)
{
    *line = n->line;
    *column = n->column;
    if (n->kind != YN_SCALAR || !n->doc || !n->doc->text)
        return;
    const ydoc *doc = n->doc;
    size_t p = doc_offset(doc, n->line, n->column);
    if (n->quoted == 1 || n->quoted == 2)
        p++; /* the opening quote */
    else if (n->quoted >= 3) {
        while (p < doc->len && doc->text[p] != '\n')
            p++; /* the block indicator line */
    }
    /* Walk the source alongside the value: folded line breaks, indentation
     * and quote escapes exist only in the source, so skip what differs.
     * A double-quoted escape (\t, \u0041) is one step of its own: matched
     * by bytes it never is, and the walk ran to the end of the file, so an
     * error after one was put on a line past the last (probe7 P7-08).  A
     * walk that loses its way says the scalar's own start, never the
     * file's end. */
    size_t start = p;
    if (offset > n->len)
        offset = n->len;
    for (size_t i = 0; i <= offset && i < n->len;) {
        size_t el, dl;
        if (n->quoted == 2 && p < doc->len && doc->text[p] == '\\' &&
            escape_size(doc->text + p, doc->len - p, &el, &dl)) {
            if (offset < i + dl)
                break; /* inside what the escape stands for: at the escape */
            i += dl;
            p += el;
            continue;
        }
        size_t skipped = 0;
        while (p < doc->len && doc->text[p] != n->text[i] && skipped < 64) {
            p++;
            skipped++;
        }
        if (p >= doc->len || skipped >= 64) {
            p = start;
            break;
        }
        if (i == offset)
            break;
        p++;
        i++;
    }
    if (p > doc->len)
        p = doc->len;
    int l = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < p; i++)
        if (doc->text[i] == '\n') {
            l++;
            line_start = i + 1;
        }
    int c = 1;
    for (size_t i = line_start; i < p; i++)
        if (((unsigned char)doc->text[i] & 0xC0) != 0x80)
            c++;
    *line = l;
    *column = c;
}

ql_status qli_yfail(ql_error *err, ql_status code, const ynode *n,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qli_vfail(err, code, n && n->doc ? n->doc->file : NULL, n ? n->line : 0,
             n ? n->column : 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}
