/*
 * quotalevy.i — the language-neutral SWIG interface to libquotalevy.
 *
 * Each language's interface (bindings/java/quotalevy_java.i,
 * bindings/lua/quotalevy_lua.i) defines, before it %includes this file,
 * QL_SWIG_RAISE(err) (raise the language's exception from a filled
 * ql_error) and the typemaps of bytes in, `(const char *data, size_t
 * len)`, and bytes out, `ql_swig_bytes`; then adds only its own idioms.  What is wrapped here is the public API of include/quotalevy.h:
 *
 *   - the three handles as classes that own their C object: a constructor
 *     that loads or allocates, a destructor calling the _free function
 *     (%newobject on every factory, %delobject on explicit frees), and
 *     the header's ql_ruleset_* / ql_record_* / ql_result_* functions as
 *     their methods (SWIG binds a method `m` of struct `s` to `s_m`);
 *   - `ql_error *err` disappears from every signature: each call gets a
 *     fresh error on the C stack and, if the call filled it, the target
 *     language's exception is raised with status, message, file, line,
 *     column and field (QL_SWIG_RAISE, defined by the language);
 *   - out-parameters and out-buffers come back as values: texts through
 *     ql_swig_text (copied, grown to fit, freed after conversion);
 *   - exact numbers and dates cross as decimal text ("18000.00",
 *     "2024-06-30"), so each language builds its own exact type from the
 *     library's digits and scale; no binary floating point is wrapped.
 *
 * The batch path (ql_swig_batch, C in swig_batch.h) evaluates many
 * records in one crossing: records go in packed, results come out packed,
 * both as NUL-separated UTF-8 (a NUL cannot enter a record).
 */

%{
#include <stdlib.h>
#include <string.h>
#include "quotalevy.h"
#include "swig_batch.h"
%}

/* A byte string that owns its malloc'd bytes; each language's
 * %typemap(out) ql_swig_bytes copies it out and frees it. */
%{
typedef struct ql_swig_bytes {
    char *data;
    size_t len;
} ql_swig_bytes;
%}

/* Every `ql_error *err` is the wrapper's own, and a filled one raises. */
%typemap(in, numinputs=0) ql_error *err (ql_error temp) {
    ql_error_clear(&temp);
    $1 = &temp;
}
%typemap(argout) ql_error *err {
    if ($1->code != QL_OK)
        QL_SWIG_RAISE($1);
}

/* ------------------------------------------------------------ library */

/* The status and the enums, as named integer constants. */
typedef int ql_status;
enum {
    QL_TYPE_NONE = 0, QL_TYPE_NUMBER, QL_TYPE_BOOL, QL_TYPE_STRING,
    QL_TYPE_DATE, QL_TYPE_TABLE
};
typedef int ql_type;
enum {
    QL_CHECK_APPLICABLE, QL_CHECK_COMPLIANT, QL_CHECK_REQUIRED,
    QL_CHECK_ACTUAL, QL_CHECK_SHORTFALL
};
typedef int ql_check_field;
enum {
    QL_PARAM_NOT_NUMBER = 0, QL_PARAM_NUMBER, QL_PARAM_INTEGER, QL_PARAM_MONEY,
    QL_PARAM_PERCENT
};
typedef int ql_param_unit;
enum { QL_EVAL_TRACE = 1 };
enum { QL_OVERRIDE_NUMBER = 1 }; /* ql_override.flags: a program's number */
/* ql_swig_batch.evaluate's flag: refuse keys that are no input (swig_batch.h). */
enum { QL_SWIG_NO_EXTRA = 0x100 };


const char *ql_version(void);
const char *ql_status_name(int code);

%inline %{
/* Days since 1970-01-01 of "YYYY-MM-DD", the library's ql_date. */
static int ql_swig_date_parse(const char *text, ql_error *err)
{
    ql_date d = 0;
    ql_date_parse(&d, text ? text : "", text ? strlen(text) : 0, err);
    return d;
}
%}

%newobject ql_swig_date_format;
%inline %{
static char *ql_swig_date_format(int days)
{
    char buf[16];
    ql_date_format(buf, sizeof buf, (ql_date)days);
    return strdup(buf);
}
%}

/* ------------------------------------------------------------ handles */

%{
/* Text a ql_*_format / _text function writes into a caller's buffer,
 * as a malloc'd string grown to the full length the function reports. */
#define QL_SWIG_TEXT(out, CALL)                                         \
    do {                                                                \
        char small_[256], *buf = small_;                                \
        size_t size = sizeof small_;                                    \
        size_t n_ = (CALL);                                             \
        if (n_ >= sizeof small_) {                                      \
            buf = malloc(n_ + 1);                                       \
            size = n_ + 1;                                              \
            if (buf)                                                    \
                (void)(CALL);                                           \
        }                                                               \
        (out) = buf == small_ ? strdup(small_) : buf;                   \
    } while (0)

static ql_ruleset *ql_swig_load_buffer(const char *data, size_t len,
                                       const char *name, ql_error *err)
{
    ql_ruleset *rs = NULL;
    ql_ruleset_load_buffer(&rs, data ? data : "", data ? len : 0, name, err);
    return rs;
}

static char *ql_ruleset_param_text(const ql_ruleset *rs, size_t i, int date,
                                   ql_error *err)
{
    ql_value v = QL_VALUE_INIT;
    char *text = NULL;
    if (ql_ruleset_param_value(&v, NULL, NULL, rs, i, (ql_date)date, err))
        return NULL;
    QL_SWIG_TEXT(text, ql_value_format(buf, size, &v));
    return text;
}
%}

%{
/* Loads with what-if overrides, from the file `source` or (yaml not
 * NULL) from that text named `source`: ql_ruleset_load_ext.  The
 * overrides come packed as "param\0value\0shown\0kind\0YYYY-MM-DD\0"
 * each (the binding has checked the values are exact; `shown` is how the
 * program's user gave the value, quoted in messages, "" when `value` is
 * that; kind "n" when `value` is a number the program held, the value
 * itself whatever the parameter's unit — QL_OVERRIDE_NUMBER, so the rules
 * are loaded once —, "" for a text as a rules file writes it); a date
 * that does not parse is QL_EINVAL with the parameter as the field. */
static ql_ruleset *ql_swig_load_ext(const char *source, const char *yaml,
                                    const char *data, size_t len,
                                    ql_error *err)
{
    size_t nul = 0;
    for (size_t k = 0; k < len; k++)
        nul += data[k] == '\0';
    if (nul % 5 || (len && data[len - 1] != '\0')) {
        ql_error_clear(err);
        err->code = QL_EINVAL;
        snprintf(err->message, sizeof err->message,
                 "malformed override list");
        return NULL;
    }
    size_t n = nul / 5;
    ql_override *ovr = n ? calloc(n, sizeof *ovr) : NULL;
    if (n && !ovr) {
        ql_error_clear(err);
        err->code = QL_ENOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        return NULL;
    }
    const char *p = data;
    for (size_t k = 0; k < n; k++) {
        const char *param = p, *value = p + strlen(p) + 1;
        const char *shown = value + strlen(value) + 1;
        const char *kind = shown + strlen(shown) + 1;
        const char *date = kind + strlen(kind) + 1;
        p = date + strlen(date) + 1;
        ovr[k].version = QL_OVERRIDE_VERSION;
        ovr[k].param = param;
        ovr[k].value = value;
        ovr[k].shown = shown[0] ? shown : NULL;
        ovr[k].flags = !strcmp(kind, "n") ? QL_OVERRIDE_NUMBER : 0;
        if (ql_date_parse(&ovr[k].from, date, strlen(date), err)) {
            /* named as a parameter's, as the library's override errors
             * are (the field alone read "field 'ratio': ", P7-04) */
            char why[sizeof err->message];
            memcpy(why, err->message, sizeof why);
            why[sizeof why - 1] = '\0';
            err->code = QL_EINVAL;
            char shown[QL_TEXT_QUOTE_MAX];
            ql_text_quote(shown, sizeof shown, param, strlen(param), '\'');
            snprintf(err->message, sizeof err->message,
                     "override of parameter %s: its date: %s", shown, why);
            ql_text_quote(err->field, sizeof err->field, param, strlen(param), 0);
            free(ovr);
            return NULL;
        }
    }
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.overrides = ovr;
    o.n_overrides = n;
    if (yaml) {
        o.buffer = yaml;
        o.buffer_len = strlen(yaml);
    }
    ql_ruleset *rs = NULL;
    ql_ruleset_load_ext(&rs, source, &o, err);
    free(ovr);
    return rs;
}
%}

%nodefaultctor ql_ruleset;
%nodefaultctor ql_record;
%nodefaultctor ql_result;
%nodefaultdtor ql_ruleset;
%nodefaultdtor ql_record;
%nodefaultdtor ql_result;
struct ql_ruleset {};
struct ql_record {};
struct ql_result {};


%{
/* A user's text quoted for a message a binding writes itself, as the
 * library quotes one (ql_text_quote: escaped, cut at a character,
 * bounded): a Lua string holds any bytes, and a key of 120 × 企 and a
 * byte that is no UTF-8 went whole, unescaped, into the message. */
static ql_swig_bytes ql_swig_quote(const char *data, size_t len)
{
    ql_swig_bytes out = {malloc(QL_TEXT_QUOTE_MAX), 0};
    if (out.data)
        out.len = ql_text_quote(out.data, QL_TEXT_QUOTE_MAX, data, len, '\'');
    return out;
}
%}
/* ql_text_quote(…, '\''), for the bindings' own messages. */
ql_swig_bytes ql_swig_quote(const char *data, size_t len);

%newobject ql_swig_load_ext;
/* Rules with what-if overrides, from a file or (yaml) a text. */
ql_ruleset *ql_swig_load_ext(const char *source, const char *yaml,
                             const char *data, size_t len, ql_error *err);

%newobject ql_swig_load_buffer;
/* Rules from len bytes of YAML; `name` is used in messages and as the
 * base of relative `extends` paths. */
ql_ruleset *ql_swig_load_buffer(const char *data, size_t len,
                                const char *name, ql_error *err);

%newobject ql_ruleset::param_text;
%extend ql_ruleset {
    /* Loads the rules file at path. */
    ql_ruleset(const char *path, ql_error *err) {
        ql_ruleset *rs = NULL;
        ql_ruleset_load(&rs, path, err);
        return rs;
    }
    ~ql_ruleset() { ql_ruleset_free($self); }

    const char *meta(const char *key) const;
    /* The ISO 4217 code of its money (NULL: none) and that currency's
     * decimal places (-1: none): ql_ruleset_currency(_places). */
    const char *currency() const;
    int currency_places() const;
    size_t input_count() const;
    const char *input_name(size_t i) const;
    const char *input_type(size_t i) const;
    const char *input_description(size_t i) const;
    int input_index(const char *name) const;
    size_t output_count() const;
    const char *output_name(size_t i) const;
    int output_is_check(size_t i) const;
    ql_type output_type(size_t i) const;
    size_t check_count() const;
    const char *check_name(size_t i) const;
    const char *check_title(size_t i) const;
    const char *check_source(size_t i) const;
    size_t param_count() const;
    const char *param_name(size_t i) const;
    /* What kind of number parameter i is (QL_PARAM_*): how an override
     * written from a program's number is written (a percentage as its
     * share in percent, with '%'; any other number as it is). */
    ql_param_unit param_unit(size_t i) const;
    /* Parameter i's value in force on a date, as text. */
    char *param_text(size_t i, int date, ql_error *err) const;
}

%newobject ql_result::output_string;
%newobject ql_result::explanation;
%newobject ql_result::check_string;
%extend ql_record {
    ql_record(const ql_ruleset *rs, ql_error *err) {
        ql_record *rec = NULL;
        ql_record_new(&rec, rs, err);
        return rec;
    }
    ~ql_record() { ql_record_free($self); }
    void clear();
    ql_status set(const char *name, const char *text, ql_error *err);
    ql_status unset(size_t i, ql_error *err);
}

%extend ql_result {
    ql_result(const ql_ruleset *rs, ql_error *err) {
        ql_result *res = NULL;
        ql_result_new(&res, rs, err);
        return res;
    }
    ~ql_result() { ql_result_free($self); }
    /* Evaluates rec on a date (days since 1970-01-01) into this result. */
    ql_status evaluate(const ql_record *rec, int date, unsigned flags,
                       ql_error *err) {
        return ql_evaluate($self, rec, (ql_date)date, flags, err);
    }
    /* Output i, or field f of check i, as text ("" for no value).  (A
     * method with a body becomes the C function ql_result_<name>, so
     * these cannot be called output_text / check_text.) */
    char *output_string(size_t i) const {
        char *text;
        QL_SWIG_TEXT(text, ql_result_output_text(buf, size, $self, i));
        return text;
    }
    /* Whether output i has no value (its text is "" then, as an empty
     * string's is). */
    bool output_none(size_t i) const { return ql_swig_output_none($self, i); }
    char *check_string(size_t i, ql_check_field f) const {
        char *text;
        QL_SWIG_TEXT(text, ql_result_check_text(buf, size, $self, i, f));
        return text;
    }
    size_t trace_count() const;
    /* The last evaluation explained, as `quotalevy explain` prints it
     * (ql_result_explain; its steps need an evaluation with
     * QL_EVAL_TRACE). */
    char *explanation() const {
        char *text;
        QL_SWIG_TEXT(text, ql_result_explain(buf, size, $self));
        return text;
    }
}

/* Explicit frees, for a language whose objects close before the
 * collector finds them: the wrapper gives up the object it passes. */
%delobject ql_ruleset_free;
%delobject ql_record_free;
%delobject ql_result_free;
void ql_ruleset_free(ql_ruleset *rs);
void ql_record_free(ql_record *rec);
void ql_result_free(ql_result *res);

/* -------------------------------------------------------------- batch */

%nodefaultctor ql_swig_batch;
%nodefaultdtor ql_swig_batch;
struct ql_swig_batch {};

%extend ql_swig_batch {
    ql_swig_batch(const ql_ruleset *rs, ql_error *err) {
        return ql_swig_batch_new(rs, err);
    }
    ~ql_swig_batch() { ql_swig_batch_free($self); }
    /* Evaluates the packed records on a date; see swig_batch.h. */
    ql_swig_bytes evaluate(const char *data, size_t len, int date,
                           unsigned flags) {
        ql_swig_bytes out = {NULL, 0};
        out.data = ql_swig_batch_run($self, data, len, (ql_date)date, flags,
                                     &out.len);
        return out;
    }
}

%delobject ql_swig_batch_free;
void ql_swig_batch_free(ql_swig_batch *b);
