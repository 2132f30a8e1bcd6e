/*
 * levy_table.c — evaluates a file of units against a rule set and prints a
 * table of every output.  It shows the whole C API in one page: load a rule
 * set, make one record and one result, then for each unit set the fields
 * from text, evaluate and read the outputs back.
 *
 *   levy_table RULES UNITS
 *
 * UNITS holds one unit per line: "DATE field=value field=value …".  Blank
 * lines and lines starting with '#' are skipped.  A unit that cannot be
 * evaluated prints its error in place of its outputs; the exit status is 1
 * if any unit failed.  Lines of any length are read whole (getline), and
 * each value is printed whole: QL_DECIMAL_TEXT_MAX bounds the text of a
 * number, a boolean or a date only, never of a string (an id, a name),
 * so the buffer grows to the length ql_value_format says it needs.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <quotalevy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A text buffer that grows to what it has to hold. */
typedef struct text {
    char *p;
    size_t size;
} text;

/* The value as ql_value_format writes it, whole: NULL out of memory. */
static const char *format_value(text *t, const ql_value *v)
{
    size_t need = ql_value_format(t->p, t->size, v) + 1;
    if (need > t->size) {
        char *p = realloc(t->p, need);
        if (!p)
            return NULL;
        t->p = p;
        t->size = need;
        ql_value_format(t->p, t->size, v);
    }
    return t->p;
}

static void print_error(const char *where, const ql_error *err)
{
    char msg[2048];
    ql_error_format(msg, sizeof msg, err);
    fprintf(stderr, "%s: %s\n", where, msg);
}

/* Fills rec from "field=value" words; returns the evaluation date. */
static int parse_line(char *line, ql_record *rec, ql_date *date, ql_error *err)
{
    char *save = NULL;
    char *word = strtok_r(line, " \t\r\n", &save);
    if (!word || ql_date_parse(date, word, strlen(word), err))
        return -1;
    ql_record_clear(rec);
    while ((word = strtok_r(NULL, " \t\r\n", &save))) {
        char *eq = strchr(word, '=');
        if (!eq) {
            ql_error_clear(err);
            snprintf(err->message, sizeof err->message,
                     "'%s' is not field=value", word);
            return -1;
        }
        *eq = '\0';
        if (ql_record_set(rec, word, eq + 1, err))
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: levy_table RULES UNITS\n");
        return 2;
    }
    ql_error err;
    ql_ruleset *rs;
    if (ql_ruleset_load(&rs, argv[1], &err)) {
        print_error(argv[1], &err);
        return 2;
    }
    FILE *in = fopen(argv[2], "r");
    if (!in) {
        perror(argv[2]);
        ql_ruleset_free(rs);
        return 2;
    }
    ql_record *rec = NULL;
    ql_result *res = NULL;
    if (ql_record_new(&rec, rs, &err) || ql_result_new(&res, rs, &err)) {
        print_error("setup", &err);
        return 2;
    }
    int id = ql_ruleset_input_index(rs, "id");
    size_t nout = ql_ruleset_output_count(rs);
    printf("%-8s", "id");
    for (size_t i = 0; i < nout; i++)
        printf(" %14.14s", ql_ruleset_output_name(rs, i));
    printf("\n");

    char *line = NULL;
    size_t cap = 0;
    text buf = {NULL, 0};
    int lineno = 0, failed = 0;
    while (getline(&line, &cap, in) >= 0) {
        lineno++;
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        ql_date date;
        char where[64];
        snprintf(where, sizeof where, "%s:%d", argv[2], lineno);
        if (parse_line(line, rec, &date, &err) ||
            ql_evaluate(res, rec, date, 0, &err)) {
            print_error(where, &err);
            failed = 1;
            continue;
        }
        ql_value v = QL_VALUE_INIT;
        const char *s = "";
        if (id >= 0 && ql_record_get(&v, rec, (size_t)id) == QL_OK &&
            !(s = format_value(&buf, &v))) {
            fprintf(stderr, "%s: out of memory\n", where);
            failed = 2;
            break;
        }
        printf("%-8s", s);
        for (size_t i = 0; i < nout; i++) {
            /* the result was just evaluated: an error here is a bug */
            ql_status st = ql_result_output(&v, res, i);
            if (st != QL_OK) {
                fprintf(stderr, "%s: output %zu: %s\n", where, i,
                        ql_status_name(st));
                failed = 2;
                break;
            }
            if (!(s = format_value(&buf, &v))) {
                fprintf(stderr, "%s: out of memory\n", where);
                failed = 2;
                break;
            }
            printf(" %14s", v.type == QL_TYPE_NONE ? "-" : s);
        }
        printf("\n");
        if (failed == 2)
            break;
    }
    free(line);
    free(buf.p);
    fclose(in);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    return failed;
}
