/*
 * test_docs.c — the examples in the docs/ pages are tested, so they never rot.
 *
 * Every ```yaml block that starts with "quotalevy: 1" must load.  Every
 * ```expect block after it lists records and what they must give:
 *
 *   DATE field=value … -> output=value …      (value may be empty)
 *   DATE field=value … -> error QL_CODE
 */
#include "test_util.h"

#include <stdlib.h>

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

static int output_index(const ql_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++)
        if (!strcmp(ql_ruleset_output_name(rs, i), name))
            return (int)i;
    return -1;
}

/* Runs one expect line; returns the number of failures. */
static int run_line(const ql_ruleset *rs, char *line, const char *doc,
                    int lineno)
{
    char *arrow = strstr(line, " -> ");
    if (!arrow) {
        fprintf(stderr, "%s:%d: expect line without ' -> '\n", doc, lineno);
        return 1;
    }
    *arrow = '\0';
    char *want = arrow + 4;
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    int failures = 0;
    char *save = NULL;
    char *w = strtok_r(line, " ", &save);
    ql_date date = D(w);
    ql_status st = QL_OK;
    while (st == QL_OK && (w = strtok_r(NULL, " ", &save))) {
        char *eq = strchr(w, '=');
        *eq = '\0';
        st = ql_record_set(rec, w, eq + 1, &err);
    }
    if (st == QL_OK)
        st = ql_evaluate(res, rec, date, 0, &err);
    if (!strncmp(want, "error ", 6)) {
        if (strcmp(ql_status_name(st), want + 6) != 0) {
            fprintf(stderr, "%s:%d: want %s, got %s\n", doc, lineno, want + 6,
                    ql_status_name(st));
            failures++;
        }
    } else if (st != QL_OK) {
        char msg[1024];
        ql_error_format(msg, sizeof msg, &err);
        fprintf(stderr, "%s:%d: evaluation failed: %s\n", doc, lineno, msg);
        failures++;
    } else {
        for (w = strtok_r(want, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            char *eq = strchr(w, '=');
            *eq = '\0';
            int i = output_index(rs, w);
            char got[QL_DECIMAL_TEXT_MAX] = "?";
            if (i >= 0) {
                ql_value v = QL_VALUE_INIT;
                ql_result_output(&v, res, (size_t)i);
                ql_value_format(got, sizeof got, &v);
            }
            if (i < 0 || strcmp(got, eq + 1) != 0) {
                fprintf(stderr, "%s:%d: %s: want '%s', got '%s'\n", doc,
                        lineno, w, eq + 1, got);
                failures++;
            }
        }
    }
    ql_result_free(res);
    ql_record_free(rec);
    return failures;
}

/* Checks one markdown file; returns the number of rule sets it tested. */
static int check_doc(const char *path, int *failures)
{
    char *text = read_all(path);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", path);
        (*failures)++;
        return 0;
    }
    ql_ruleset *rs = NULL;
    int tested = 0, lineno = 1;
    char *p = text;
    while (*p) {
        char *eol = strchr(p, '\n');
        if (!eol)
            eol = p + strlen(p);
        int is_yaml = !strncmp(p, "```yaml\n", 8);
        int is_expect = !strncmp(p, "```expect\n", 10);
        if (is_yaml || is_expect) {
            int start_line = lineno + 1;
            char *body = eol + 1;
            char *end = strstr(body, "\n```");
            if (!end)
                break;
            size_t len = (size_t)(end - body) + 1;
            for (char *q = p; q < end + 1; q++)
                lineno += *q == '\n';
            if (is_yaml && !strncmp(body, "quotalevy: 1", 12)) {
                ql_ruleset_free(rs);
                rs = NULL;
                ql_error err;
                char name[512];
                snprintf(name, sizeof name, "%s:%d", path, start_line);
                if (ql_ruleset_load_buffer(&rs, body, len, name, &err)) {
                    char msg[1024];
                    ql_error_format(msg, sizeof msg, &err);
                    fprintf(stderr, "%s: example does not load: %s\n", name, msg);
                    (*failures)++;
                } else {
                    tested++;
                }
            } else if (is_expect) {
                char *lines = strndup(body, len);
                char *save = NULL;
                int ln = start_line;
                for (char *l = strtok_r(lines, "\n", &save); l;
                     l = strtok_r(NULL, "\n", &save), ln++) {
                    if (!rs) {
                        fprintf(stderr, "%s:%d: expect block without a rule set\n", path, ln);
                        (*failures)++;
                        break;
                    }
                    *failures += run_line(rs, l, path, ln);
                }
                free(lines);
            }
            p = end + 4;
            while (*p && *p != '\n')
                p++;
            if (*p)
                p++;
            lineno++;
            continue;
        }
        p = *eol ? eol + 1 : eol;
        lineno++;
    }
    ql_ruleset_free(rs);
    free(text);
    return tested;
}

static void test_docs_rules_language_examples(void **state)
{
    (void)state;
    int failures = 0;
    int tested = check_doc(QL_SOURCE_DIR "/docs/rules-language.md", &failures);
    assert_int_equal(failures, 0);
    assert_true(tested >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docs_rules_language_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
