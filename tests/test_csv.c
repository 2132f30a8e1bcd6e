/*
 * test_csv.c — the command's CSV reader (tools/quotalevy/csv.c) on the
 * edges of its grammar, from a table: each input is read to its end on
 * both paths (the plain-line shortcut and the general reader) and the
 * records must come out as the table says, the same on both.
 *
 * A record is written as LINE[field|field|…] and a malformed one as
 * LINE!COLUMN:message; CR, LF and control bytes in fields as \r, \n,
 * \xNN.  A read error (or an input that is not records) is READ-ERROR,
 * with its message after a colon when it has one.
 */
#include "test_util.h"

#include "csv.h"
#include "test_readers.h"

/* The paths of reading: the plain-line shortcut, the general reader,
 * and runs of plain lines handed over whole (csv_plain_lines, cut by
 * csv_split_plain as a worker thread cuts them, or csv_split_quoted for
 * lines that quote whole fields; csv_next for the rest). */
enum { PATH_PLAIN, PATH_GENERAL, PATH_RUNS, NPATHS };
static const char *const path_name[NPATHS] = {"plain-line", "general",
                                              "runs of lines"};

/* PATH_RUNS: takes what runs of plain lines there are at the reader's
 * place into b, as read_all writes records (a field not kept shown
 * empty: the caller does not read it); 1 if it took some.  The runs are
 * cut short now and then (at most 1 to 5 lines, or a few bytes) so that
 * their ends fall everywhere. */
static long quoted_taken; /* lines taken flagged quoted, for the tests */

static int take_runs(csv_reader *r, strbuf *b, const unsigned char *skip,
                     size_t nskip, unsigned *turn)
{
    csv_line lines[5];
    strbuf blk = {0};
    long first;
    int took = 0, got;
    while ((got = csv_plain_lines(r, &blk, lines, 1 + *turn % 5,
                                  *turn % 7 ? 1u << 20 : 9, &first)) > 0) {
        ++*turn;
        took = 1;
        for (int j = 0; j < got; j++) {
            static char rec[CSV_PLAIN_MAX + 17];
            static const char *text[CSV_PLAIN_MAX + 1];
            static size_t len[CSV_PLAIN_MAX + 1];
            assert_true(lines[j].len < CSV_PLAIN_MAX);
            quoted_taken += lines[j].quoted;
            assert_int_equal(blk.p[lines[j].off + lines[j].len], '\n');
            size_t nf = (lines[j].quoted ? csv_split_quoted : csv_split_plain)(
                rec, blk.p + lines[j].off, lines[j].len, text, len,
                CSV_PLAIN_MAX + 1);
            assert_true(nf <= lines[j].len + 1);
            char num[32];
            snprintf(num, sizeof num, "%s%ld[", b->len ? " " : "", first + j);
            sb_puts(b, num);
            for (size_t i = 0; i < nf; i++) {
                if (i)
                    sb_putc(b, '|');
                assert_int_equal(strlen(text[i]), len[i]); /* NUL after */
                if (!(skip && i < nskip && skip[i]))
                    sb_put_shown(b, text[i], len[i]);
            }
            sb_putc(b, ']');
        }
    }
    assert_int_equal(got, 0);
    free(blk.p);
    return took;
}

/* Every record of in[0..n), on one path, with columns `skip` not kept. */
static char *read_all(const char *in, size_t n, int path,
                      const unsigned char *skip, size_t nskip)
{
    FILE *f = fmemopen((void *)in, n, "rb");
    assert_non_null(f);
    csv_reader *r = csv_open(f);
    assert_non_null(r);
    csv_general_only(r, path == PATH_GENERAL);
    if (skip)
        csv_skip(r, skip, nskip);
    strbuf b = {0};
    sb_puts(&b, "");
    csv_record rec;
    int st;
    unsigned turn = 0;
    for (;;) {
        if (path == PATH_RUNS && take_runs(r, &b, skip, nskip, &turn))
            continue;
        if ((st = csv_next(r, &rec)) == 0)
            break;
        int out = reader_outcome(&b, st, rec.error, rec.error_line,
                                 rec.error_column, rec.line, '[');
        if (out == READ_STOP)
            break;
        if (out == READ_SKIP)
            continue;
        for (size_t i = 0; i < rec.nfields; i++) {
            if (i)
                sb_putc(&b, '|');
            assert_int_equal(strlen(rec.field[i]), rec.len[i]); /* NUL after */
            sb_put_shown(&b, rec.field[i], rec.len[i]);
        }
        sb_putc(&b, ']');
    }
    csv_close(r);
    fclose(f);
    return b.p;
}

static void expect_records_(const char *in, size_t n, const char *want,
                            const unsigned char *skip, size_t nskip,
                            const char *file, int line)
{
    for (int path = 0; path < NPATHS; path++) {
        char *got = read_all(in, n, path, skip, nskip);
        if (strcmp(got, want)) {
            print_error("%s reader: expected\n  %s\ngot\n  %s\n",
                        path_name[path], want, got);
            free(got);
            _fail(file, line);
        }
        free(got);
    }
}
#define expect_records(in, want)                                               \
    expect_records_((in), sizeof(in) - 1, (want), NULL, 0, __FILE__, __LINE__)

typedef struct {
    const char *name, *in, *want;
    size_t n; /* the input's length when it holds a NUL (else strlen) */
} csv_case;

#define QUOTE_IN_PLAIN                                                         \
    "a quote inside an unquoted field (quote the whole field and double the "  \
    "quote)"
#define AFTER_CLOSE                                                            \
    "a closing quote must end the field (expected ',' or a line end after it)"

static const csv_case cases[] = {
    {"two records", "a,b\n1,2\n", "1[a|b] 2[1|2]"},
    {"CRLF line ends", "a,b\r\n1,2\r\n", "1[a|b] 2[1|2]"},
    {"CR alone ends a line (old Mac files)", "a,b\r1,2\r", "1[a|b] 2[1|2]"},
    {"no line end after the last record", "a,b\n1,2", "1[a|b] 2[1|2]"},
    {"mixed line ends", "a\r\nb\rc\nd", "1[a] 2[b] 3[c] 4[d]"},
    {"empty lines hold no record, but count", "a\n\n\r\n\rb\n", "1[a] 5[b]"},
    {"only empty lines", "\n\r\n\r", ""},
    {"nothing at all", "", ""},
    {"empty fields", ",,\n,\n", "1[||] 2[|]"},
    {"one empty quoted field", "\"\"\n", "1[]"},
    {"quoted empty beside plain", "\"\",x\n", "1[|x]"},
    {"a comma inside quotes", "\"a,b\",c\n", "1[a,b|c]"},
    {"a doubled quote is one quote", "\"a\"\"b\"\n", "1[a\"b]"},
    {"only a doubled quote", "\"\"\"\"\n", "1[\"]"},
    {"LF inside quotes: one record, the next line counted", "\"a\nb\",c\nd,e\n",
     "1[a\\nb|c] 3[d|e]"},
    {"CRLF inside quotes kept as it is", "\"a\r\nb\"\nx\n", "1[a\\r\\nb] 3[x]"},
    {"CR alone inside quotes, CR line ends", "a,\"b\rc\"\rd\r",
     "1[a|b\\rc] 3[d]"},
    {"blanks are data", " a , b \n", "1[ a | b ]"},
    {"a UTF-8 byte order mark is dropped",
     "\xEF\xBB\xBF"
     "a,b\n",
     "1[a|b]"},
    {"only a byte order mark", "\xEF\xBB\xBF", ""},
    {"a broken byte order mark is not text", "\xEF\xBBx\n", "READ-ERROR"},
    {"UTF-8 passes as bytes", "\xE5\x90\x89\xE6\x9E\x97,2\n",
     "1[\xE5\x90\x89\xE6\x9E\x97|2]"},
    {"a stray quote: the record refused, the next one read", "a\"b,c\nd\n",
     "1!1:" QUOTE_IN_PLAIN " 2[d]"},
    {"a stray quote in the second field", "x,a\"b\nd\n",
     "1!2:" QUOTE_IN_PLAIN " 2[d]"},
    {"text after a closing quote", "\"a\"b,c\nd\n", "1!1:" AFTER_CLOSE " 2[d]"},
    {"a blank after a closing quote", "a, \"b\" ,c\nd\n",
     "1!2:" QUOTE_IN_PLAIN " 2[d]"},
    {"text after a closing quote, then a quoted line break: read as the "
     "grammar says",
     "x,\"a\nb\"c,\"d\ne\"\nz\n", "2!2:" AFTER_CLOSE " 4[z]"},
    {"a quote never closed takes in the rest", "a,\"b\nc\n",
     "1!2:a quoted field opened on line 1 is not closed before the "
     "end of the input (it took in the line after it)"},
    {"a quote never closed on the last line", "ok\n\"a\"\"\n",
     "1[ok] 2!1:a quoted field opened on line 2 is not closed before "
     "the end of the input"},
    {"a quoted field ends the input", "\"a\"\n\"b\"", "1[a] 2[b]"},
    {"a NUL byte is binary data", "a\0b,c\nd\n",
     "1!1:a NUL byte in a field (binary data, not text) 2[d]", 8},
    {"a NUL byte inside quotes", "\"a\0b\"\nd\n",
     "1!1:a NUL byte in a field (binary data, not text) 2[d]", 8},
    {"the first problem is the one said", "a\"b,\"c\"d\ne\n",
     "1!1:" QUOTE_IN_PLAIN " 2[e]"},
    /* after a header, where runs of lines are taken: lines that quote
     * whole fields are cut by csv_split_quoted, any other quote is the
     * general reader's */
    {"after a header: lines that quote whole fields",
     "h,i\n\"a\",\"b\"\n\"c,d\",\"\"\"\"\n\"\",e\nx,\"\"\n",
     "1[h|i] 2[a|b] 3[c,d|\"] 4[|e] 5[x|]"},
    {"after a header: a stray quote, then a quoted line",
     "h\nok\na\"b\n\"c\"\n", "1[h] 2[ok] 3!1:" QUOTE_IN_PLAIN " 4[c]"},
    {"after a header: text after a closing quote", "h,i\n\"a\"b,c\n\"d\",e\n",
     "1[h|i] 2!1:" AFTER_CLOSE " 3[d|e]"},
    {"after a header: a blank before a quote", "h,i\n\"a\", \"b\"\nd,e\n",
     "1[h|i] 2!2:" QUOTE_IN_PLAIN " 3[d|e]"},
    {"after a header: a quoted line break", "h,i\n\"a\nb\",c\n\"d\",e\n",
     "1[h|i] 2[a\\nb|c] 4[d|e]"},
    {"after a header: a quote never closed", "h\n\"ok\"\n\"a,b\nc\n",
     "1[h] 2[ok] 3!1:a quoted field opened on line 3 is not closed before the "
     "end of the input (it took in the line after it)"},
    {"after a header: a NUL inside quotes", "h\n\"a\0b\"\n\"c\"\n",
     "1[h] 2!1:a NUL byte in a field (binary data, not text) 3[c]", 12},
    {"after a header: the last quoted line without a line end",
     "h\n\"a\",\"b\"", "1[h] 2[a|b]"},
};

static void test_csv_grammar_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        print_message("  %s\n", cases[i].name);
        size_t n = cases[i].n ? cases[i].n : strlen(cases[i].in);
        expect_records_(cases[i].in, n, cases[i].want, NULL, 0, __FILE__,
                        __LINE__);
    }
}

/* Columns that are not kept read as empty on both paths, quoted or not,
 * and a refused record is refused whatever is skipped. */
static void test_csv_skipped_columns(void **state)
{
    (void)state;
    static const unsigned char skip[] = {0, 1, 0, 1};
    static const char plain[] = "a,bbbb,c,d\n";
    expect_records_(plain, sizeof plain - 1, "1[a||c|]", skip, 4, __FILE__,
                    __LINE__);
    static const char quoted[] = "\"a\",\"b,\nb\",\"c\"\"\",d\nx,y,z,w\n";
    expect_records_(quoted, sizeof quoted - 1, "1[a||c\"|] 3[x||z|]", skip, 4,
                    __FILE__, __LINE__);
    static const char more[] = "a,b,c,d,e,f\n"; /* past the skip list: kept */
    expect_records_(more, sizeof more - 1, "1[a||c||e|f]", skip, 4, __FILE__,
                    __LINE__);
    static const char bad[] =
        "a,b\"x,c\nd,e\n"; /* the problem is in a skipped one */
    expect_records_(bad, sizeof bad - 1, "1!2:" QUOTE_IN_PLAIN " 2[d|]", skip,
                    4, __FILE__, __LINE__);
}

/* CSV_MAX_FIELDS fields are a record; one more is refused, and the
 * reader goes on with the next record. */
static void test_csv_field_limit(void **state)
{
    (void)state;
    for (int extra = 0; extra < 2; extra++) {
        size_t nf = CSV_MAX_FIELDS + (size_t)extra;
        strbuf in = {0};
        for (size_t i = 0; i < nf; i++)
            sb_puts(&in, i ? ",x" : "x");
        sb_puts(&in, "\nnext\n");
        for (int general = 0; general < 2; general++) {
            FILE *f = fmemopen(in.p, in.len, "rb");
            csv_reader *r = csv_open(f);
            csv_general_only(r, general);
            csv_record rec;
            int st = csv_next(r, &rec);
            if (extra) {
                assert_int_equal(st, -1);
                assert_text(rec.error, "more than 4096 fields in a record");
                assert_int_equal(rec.error_line, 1);
            } else {
                assert_int_equal(st, 1);
                assert_int_equal(rec.nfields, CSV_MAX_FIELDS);
            }
            assert_int_equal(csv_next(r, &rec), 1);
            assert_int_equal(rec.line, 2);
            assert_int_equal(rec.nfields, 1);
            assert_text(rec.field[0], "next");
            assert_int_equal(csv_next(r, &rec), 0);
            csv_close(r);
            fclose(f);
        }
        free(in.p);
    }
}

/* A record of CSV_MAX_RECORD bytes is read; one byte more is refused
 * (nothing of it kept) and the next record is read. */
static void test_csv_record_limit(void **state)
{
    (void)state;
    for (int extra = 0; extra < 2; extra++) {
        size_t n = CSV_MAX_RECORD + (size_t)extra;
        char *in = malloc(n + 16);
        assert_non_null(in);
        memset(in, 'x', n);
        memcpy(in + n, "\nnext\n", 6);
        for (int general = 0; general < 2; general++) {
            FILE *f = fmemopen(in, n + 6, "rb");
            csv_reader *r = csv_open(f);
            csv_general_only(r, general);
            csv_record rec;
            int st = csv_next(r, &rec);
            if (extra) {
                assert_int_equal(st, -1);
                assert_text(rec.error, "a record longer than 16 MiB");
            } else {
                assert_int_equal(st, 1);
                assert_int_equal(rec.len[0], CSV_MAX_RECORD);
            }
            assert_int_equal(csv_next(r, &rec), 1);
            assert_int_equal(rec.line, 2);
            assert_text(rec.field[0], "next");
            csv_close(r);
            fclose(f);
        }
        free(in);
    }
}

/* Input with no record end for CSV_MAX_SKIP bytes is not records: the
 * reader gives up instead of reading for ever. */
static void test_csv_gives_up_on_endless_input(void **state)
{
    (void)state;
    size_t n = CSV_MAX_SKIP + 2;
    char *in = malloc(n);
    assert_non_null(in);
    in[0] = '"';
    memset(in + 1, 'z', n - 1);
    FILE *f = fmemopen(in, n, "rb");
    csv_reader *r = csv_open(f);
    csv_record rec;
    assert_int_equal(csv_next(r, &rec), -2);
    assert_non_null(rec.error);
    assert_non_null(
        strstr(rec.error, "no end of the record in 64 MiB from line 1"));
    csv_close(r);
    fclose(f);
    free(in);
}

/* The writer quotes exactly the fields that need it, and what it writes
 * reads back as the same field. */
static void test_csv_put_field_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *field, *written;
    } w[] = {
        {"", ""},
        {"plain", "plain"},
        {"a b", "a b"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\rhere", "\"cr\rhere\""},
        {"\"", "\"\"\"\""},
    };
    for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
        strbuf b = {0};
        sb_puts(&b, "");
        assert_int_equal(csv_put_field(&b, w[i].field, strlen(w[i].field)), 0);
        assert_text(b.p, w[i].written);
        sb_puts(&b, ",end\n");
        FILE *f = fmemopen(b.p, b.len, "rb");
        csv_reader *r = csv_open(f);
        csv_record rec;
        assert_int_equal(csv_next(r, &rec), 1);
        assert_int_equal(rec.nfields, 2);
        assert_text(rec.field[0], w[i].field);
        assert_text(rec.field[1], "end");
        csv_close(r);
        fclose(f);
        free(b.p);
    }
}

/* Fields of 0 to 40 bytes with one byte that makes a field quoted at
 * every place (the writer looks at eight bytes a step): quoted exactly
 * when one is there, read back as written. */
static void test_csv_put_field_every_place(void **state)
{
    (void)state;
    static const char special[] = {',', '"', '\n', '\r', 'x'};
    for (size_t n = 0; n <= 40; n++)
        for (size_t at = 0; at < (n ? n : 1); at++)
            for (size_t k = 0; k < sizeof special; k++) {
                char field[48];
                memset(field, 'a', sizeof field);
                if (n)
                    field[at] = special[k];
                strbuf b = {0};
                sb_puts(&b, "");
                assert_int_equal(csv_put_field(&b, field, n), 0);
                int quoted = n && special[k] != 'x';
                assert_int_equal(b.len,
                                 n + (quoted ? 2 + (special[k] == '"') : 0));
                assert_int_equal(b.p[0] == '"' && n, quoted);
                free(b.p);
            }
}

/* Random lines of quoted and unquoted fields, stray and doubled quotes,
 * commas and line breaks inside quotes, CR, blanks, after a header: the
 * runs of lines (quoted ones cut by csv_split_quoted) read every record
 * and every refusal exactly as the general reader does. */
static void test_csv_quoted_runs_as_general(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a",     "7",    ",",     "\"",   "\"\"", "\"x,y\"", "\"q\"\"q\"",
        "\"\",", " ",   "\n",   "\r",   "\"m\nn\"", "\"\"\"\"", ",\"z\""};
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    quoted_taken = 0;
    for (int round = 0; round < 3000; round++) {
        strbuf in = {0};
        sb_puts(&in, "a,b,c\n");
        for (int line = 0; line < 6; line++) {
            int np = 1 + (int)(seed % 6);
            for (int k = 0; k < np; k++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                /* mostly well-quoted pieces, a stray one now and then */
                size_t at = (seed >> 33) % (sizeof pieces / sizeof *pieces);
                if ((at == 3 || at == 8 || at == 9 || at == 10) && (seed >> 20) % 4)
                    at = 5;
                sb_puts(&in, pieces[at]);
            }
            sb_putc(&in, '\n');
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        }
        char *want = read_all(in.p, in.len, PATH_GENERAL, NULL, 0);
        char *got = read_all(in.p, in.len, PATH_RUNS, NULL, 0);
        if (strcmp(got, want)) {
            print_error("input\n%s\ngeneral\n  %s\nruns\n  %s\n", in.p, want, got);
            fail();
        }
        free(want);
        free(got);
        free(in.p);
    }
    print_message("  %ld quoted lines taken in runs\n", quoted_taken);
    assert_true(quoted_taken > 3000); /* the quoted way was taken */
}

/* Every field of random plain lines (csv_plain_lines takes them, as a
 * run does; csv_split_plain cuts them, blanks at either end and inside
 * among their bytes) is written by csv_put_plain_field exactly as
 * csv_put_field writes it. */
static void test_csv_put_plain_field_as_put_field(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a",   "7",  ",",  " ", "\t",
                                         "xyz", "残", ",,", ".5"};
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int round = 0; round < 2000; round++) {
        strbuf in = {0};
        sb_puts(&in, "a,b,c\n");
        for (int line = 0; line < 4; line++) {
            int np = (int)(seed % 12);
            for (int k = 0; k < np; k++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                sb_puts(
                    &in,
                    pieces[(seed >> 33) % (sizeof pieces / sizeof *pieces)]);
            }
            sb_puts(&in, "x\n");
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        }
        FILE *f = fmemopen(in.p, in.len, "rb");
        csv_reader *r = csv_open(f);
        assert_non_null(r);
        csv_record rec;
        assert_int_equal(csv_next(r, &rec), 1); /* the header */
        strbuf blk = {0};
        csv_line lines[8];
        long first;
        int got = csv_plain_lines(r, &blk, lines, 8, 1 << 20, &first);
        assert_true(got > 0);
        for (int j = 0; j < got; j++) {
            char cut[CSV_PLAIN_MAX + 17];
            const char *text[64];
            size_t len[64];
            size_t nf = csv_split_plain(cut, blk.p + lines[j].off, lines[j].len,
                                        text, len, 64);
            for (size_t k = 0; k < nf && k < 64; k++) {
                strbuf a = {0}, b = {0};
                sb_puts(&a, "");
                sb_puts(&b, "");
                assert_int_equal(csv_put_field(&a, text[k], len[k]), 0);
                assert_int_equal(csv_put_plain_field(&b, text[k], len[k]), 0);
                assert_int_equal(a.len, b.len);
                assert_memory_equal(a.p, b.p, a.len);
                free(a.p);
                free(b.p);
            }
        }
        free(blk.p);
        csv_close(r);
        fclose(f);
        free(in.p);
    }
}

/* A field of a plain line (no quote, comma, CR or LF) is written by
 * csv_put_plain_field as csv_put_field writes it: quoted exactly when a
 * blank or tab is at either end, over fields of 0 to 40 bytes with a
 * blank, a tab or a plain byte at every place. */
static void test_csv_put_plain_field_quotes_blank_ends(void **state)
{
    (void)state;
    static const char special[] = {' ', '\t', 'x', '7', '\xE6'};
    for (size_t n = 0; n <= 40; n++)
        for (size_t at = 0; at < (n ? n : 1); at++)
            for (size_t k = 0; k < sizeof special; k++) {
                char field[48];
                memset(field, 'a', sizeof field);
                if (n)
                    field[at] = special[k];
                strbuf plain = {0}, any = {0};
                sb_puts(&plain, "");
                sb_puts(&any, "");
                assert_int_equal(csv_put_plain_field(&plain, field, n), 0);
                assert_int_equal(csv_put_field(&any, field, n), 0);
                assert_int_equal(plain.len, any.len);
                assert_memory_equal(plain.p, any.p, any.len);
                int blank = special[k] == ' ' || special[k] == '\t';
                assert_int_equal(
                    plain.len,
                    n + (n && blank && (at == 0 || at == n - 1) ? 2 : 0));
                free(plain.p);
                free(any.p);
            }
}

/* Lines of every length around the eight-byte words the plain-line
 * path reads at a time, made of commas, quotes, CR, NUL, byte order
 * marks, other UTF-8 and plain bytes, some with columns not kept: both
 * paths give the same records (fields, lengths, lines, errors). */
static void test_csv_plain_words_as_general(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a",
                                         "7",
                                         ",",
                                         ",",
                                         ",",
                                         "\"",
                                         "\r",
                                         "\n",
                                         "\xEF\xBB\xBF",
                                         "\xEF\xBC\x88",
                                         "残",
                                         "xyz",
                                         ",,",
                                         " ",
                                         "\t"};
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    unsigned char skip[8] = {0, 1, 0, 0, 1, 0, 0, 0};
    /* 800 inputs of 1 to 48 lines: about 20,000 lines, and few readers
     * opened (each holds a 1 MiB chunk: slow under the sanitizers) */
    for (int t = 0; t < 800; t++) {
        strbuf in = {0};
        sb_puts(&in, "");
        int lines = 1 + (int)(seed % 48);
        for (int l = 0; l < lines; l++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            size_t want = seed % 48;
            while (in.len < want + (size_t)l * 48) {
                seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
                const char *p = pieces[seed % (sizeof pieces / sizeof *pieces)];
                if (seed % 61 == 0)
                    sb_put(&in, "\0", 1);
                else if (strcmp(p, "\n") || seed % 5 == 0)
                    sb_puts(&in, p);
            }
            sb_putc(&in, '\n');
        }
        int skipping = t % 3 == 0;
        char *a = read_all(in.p, in.len, PATH_PLAIN, skipping ? skip : NULL, 8);
        char *b =
            read_all(in.p, in.len, PATH_GENERAL, skipping ? skip : NULL, 8);
        char *c = read_all(in.p, in.len, PATH_RUNS, skipping ? skip : NULL, 8);
        if (strcmp(a, b))
            fail_msg("input %d: plain-line %s, general %s", t, a, b);
        if (strcmp(c, b))
            fail_msg("input %d: runs of lines %s, general %s", t, c, b);
        free(a);
        free(b);
        free(c);
        free(in.p);
    }
}

/* Runs of plain lines across the reader's 1 MiB chunks: 3 MiB of lines
 * of 1 to 80 bytes (and some as long as CSV_PLAIN_MAX allows, or one
 * byte more), with a quote, an empty line or a CR now and then, read
 * the general way and as runs: the same records, lines and errors. */
static void test_csv_runs_across_chunks(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    strbuf in = {0};
    sb_puts(&in, "id,a,b\n");
    while (in.len < (3u << 20)) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        size_t want =
            seed % 997 == 0 ? CSV_PLAIN_MAX - 2 + seed % 4 : 1 + seed % 80;
        for (size_t i = 0; i < want; i++)
            sb_putc(&in,
                    (i % 9 == 4) ? ',' : (char)('a' + (seed >> (i % 40)) % 26));
        unsigned odd = (unsigned)(seed >> 50) % 400;
        sb_puts(&in, odd == 0   ? "\"q\"\n"
                     : odd == 1 ? "\n\n"
                     : odd == 2 ? "\r\n"
                                : "\n");
    }
    char *a = read_all(in.p, in.len, PATH_GENERAL, NULL, 0);
    char *b = read_all(in.p, in.len, PATH_RUNS, NULL, 0);
    if (strcmp(a, b)) {
        size_t i = 0;
        while (a[i] == b[i])
            i++;
        fail_msg("runs of lines differ from the general reader at byte %zu: "
                 "%.80s | %.80s",
                 i, a + i, b + i);
    }
    free(a);
    free(b);
    free(in.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_grammar_table),
        cmocka_unit_test(test_csv_skipped_columns),
        cmocka_unit_test(test_csv_plain_words_as_general),
        cmocka_unit_test(test_csv_runs_across_chunks),
        cmocka_unit_test(test_csv_field_limit),
        cmocka_unit_test(test_csv_record_limit),
        cmocka_unit_test(test_csv_gives_up_on_endless_input),
        cmocka_unit_test(test_csv_put_field_round_trip),
        cmocka_unit_test(test_csv_put_field_every_place),
        cmocka_unit_test(test_csv_quoted_runs_as_general),
        cmocka_unit_test(test_csv_put_plain_field_as_put_field),
        cmocka_unit_test(test_csv_put_plain_field_quotes_blank_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
