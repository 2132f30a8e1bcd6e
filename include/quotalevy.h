/*
 * quotalevy.h — the public interface of libquotalevy.
 *
 * quotalevy evaluates disability-employment quota rules, written as YAML
 * rule sets, against one organisation's staffing record and computes each
 * shortfall and levy.  This header is the manual: every public function is
 * described here with what it does, who owns what, and which errors it can
 * return.  The rules language itself is documented in docs/rules-language.md.
 *
 * The model, in four handles:
 *
 *   ql_ruleset   a loaded, compiled rule set.  Immutable after load and safe
 *                to share between any number of threads.
 *   ql_record    one organisation's input values, laid out for one rule set.
 *   ql_result    the outputs, check results and trace of one evaluation.  A
 *                result is reused across evaluations without allocating.
 *   ql_error     a caller-owned error report: status, message and location.
 *
 * Conventions:
 *   - Functions return a ql_status: QL_OK (0) or a negative error code.
 *   - Out-parameters come first; on error they are set to NULL / left alone.
 *   - Every function that can fail takes an optional `ql_error *err`
 *     (NULL = don't report details); it is filled on failure only.
 *   - Every _new/_load has a _free, and _free(NULL) does nothing.
 *   - Strings are UTF-8.  Returned `const char *` borrow from the handle
 *     named in the comment and stay valid as long as it does.
 *   - There is no global state: the library never prints, exits or aborts.
 *   - No binary floating point: numbers are exact decimals (ql_decimal).
 *
 * ABI stability (soname libquotalevy.so.1): functions are never removed
 * or changed while the soname stays; new ones are only added.  Structs
 * come in two kinds, each saying which it is where it is declared:
 *   - stable as laid out: ql_decimal, ql_date, ql_error and the enums.
 *     Their members, sizes and values are frozen for the soname.
 *   - versioned (libgit2's pattern): ql_value, ql_check_result,
 *     ql_trace_step, ql_override and ql_load_options start with
 *     `unsigned int version`.  Set it up with the struct's *_INIT macro
 *     or its *_init() function before passing it, in or out.  A later
 *     library that has added members reads and writes only the members
 *     of the version it is given, so a program built against this header
 *     keeps working; a version the library does not know is QL_EINVAL.
 *     A struct that contains another (ql_check_result's values) takes a
 *     new version whenever the one inside does.
 * A struct the library fills keeps the caller's version; any other
 * member may be overwritten.
 */
#ifndef QUOTALEVY_H
#define QUOTALEVY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* QL_EXTERN marks the public functions.  On Windows the library's own
 * build exports them (QL_BUILDING_LIBRARY, set by meson.build) and a
 * program imports them from the DLL, unless it links the static library
 * and says so with QL_STATIC. */
#if defined(_WIN32)
#if defined(QL_BUILDING_LIBRARY)
#define QL_EXTERN __declspec(dllexport)
#elif defined(QL_STATIC)
#define QL_EXTERN
#else
#define QL_EXTERN __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define QL_EXTERN __attribute__((visibility("default")))
#else
#define QL_EXTERN
#endif

/* ---------------------------------------------------------------- version */

#define QL_VERSION_MAJOR 1
#define QL_VERSION_MINOR 0
#define QL_VERSION_PATCH 0
#define QL_VERSION_STRING "1.0.0"

/* The version of the library actually linked, e.g. "1.0.0".  The major
 * version is the soname's number. */
QL_EXTERN const char *ql_version(void);

/* ----------------------------------------------------------------- errors */

/* Status codes.  Values are stable; new codes are only ever added. */
typedef int ql_status;
enum {
    QL_OK = 0,
    QL_EINVAL = -1,  /* a bad argument: NULL handle, index out of range    */
    QL_ENOMEM = -2,  /* out of memory                                       */
    QL_EIO = -3,     /* a file could not be read                            */
    QL_EPARSE = -4,  /* rules file syntax: YAML or expression               */
    QL_ESCHEMA = -5, /* rules file structure: unknown/missing key, bad value */
    QL_ETYPE = -6,   /* an expression's types do not fit                    */
    QL_ENAME = -7,   /* an unknown or duplicate name, or a cycle            */
    QL_ERANGE = -8,  /* arithmetic overflow, a number too long, ÷ 0         */
    QL_ERECORD = -9, /* a record value is invalid, missing or inconsistent  */
    QL_ENODATA = -10, /* no parameter value is in force at the date         */
    QL_ELIMIT = -11  /* a documented limit was exceeded                     */
};

#define QL_ERROR_FILE_MAX 512
#define QL_ERROR_FIELD_MAX 128
#define QL_ERROR_MESSAGE_MAX 512

/*
 * A caller-owned error report.  `code` is the status; `message` says what
 * went wrong and what was expected; `file`, `line`, `column` say where in a
 * rules file (empty / 0 when not applicable); `field` names the record field
 * or rule element concerned (empty when none).  ql_error_format() renders
 * the whole thing as "file:line:column: message".
 *
 * Stable as laid out: the members and the three buffer sizes above are
 * frozen for the soname (diagnostics hand out arrays of ql_error, and
 * every caller keeps one on its stack, so it stays a plain struct that
 * needs no set-up).  The library writes each text NUL terminated and cut
 * at a UTF-8 character boundary to fit; it reads a caller's ql_error with
 * bounded reads.  Nothing will be added to it: what a later version has
 * to say about an error will come through functions.
 */
typedef struct ql_error {
    ql_status code;
    int line;   /* 1-based, 0 = unknown */
    int column; /* 1-based, 0 = unknown */
    char file[QL_ERROR_FILE_MAX];
    char field[QL_ERROR_FIELD_MAX];
    char message[QL_ERROR_MESSAGE_MAX];
} ql_error;

/* Resets `err` to QL_OK with empty strings.  NULL is ignored. */
QL_EXTERN void ql_error_clear(ql_error *err);

/*
 * Writes "file:line:column: message" (or the parts that are known; with the
 * field as "field 'x': message" when there is no file, unless the message
 * names it already, as "field 'x'" or "parameter 'x'": an override's error
 * names its parameter, never as a field) into buf, always NUL
 * terminated when size > 0 and cut to fit at a UTF-8 character boundary
 * (never inside a character).  Returns the length the full text needs.
 */
QL_EXTERN size_t ql_error_format(char *buf, size_t size, const ql_error *err);

/* A short constant name for a status code, e.g. "QL_EPARSE". */
QL_EXTERN const char *ql_status_name(ql_status code);

/*
 * A user's text quoted for a program's own message, as the library's
 * messages quote one (for a binding's "no input called …", a column name,
 * a key, a file name): `len` bytes of `text` between two `quote`
 * characters ('\'' or '"'; 0 for none), each character as it is or as an
 * escape — \n \r \t; \xNN for another control and for a byte that
 * starts no UTF-8 character; \uXXXX (\UXXXXXXXX past U+FFFF) for a C1
 * control, a character that prints as nothing or as a blank other than
 * the space (U+00A0, U+200B, U+FEFF, the bidirectional controls …) and a
 * noncharacter.  A text of more than 60 characters or 150 bytes (escapes
 * included), or one that does not fit `size`, is cut at a character
 * boundary, never inside one, and says so: quoted, it ends with its
 * length, '企业企业…' (300 characters); unquoted, with "…".  So the result
 * is always one line of valid UTF-8, at most QL_TEXT_QUOTE_MAX − 1 bytes
 * and never more than size − 1, whatever the text, and a message built
 * around it keeps what it says after it.  A NULL text is the empty text.
 * Writes into buf, NUL terminated; returns the length written
 * (strlen(buf)); a NULL buf or size 0 writes nothing and returns 0, and
 * a quote other than '\'', '"' or 0 writes "" and returns 0.  A buffer
 * of QL_TEXT_QUOTE_MAX bytes holds any quote uncut by its size.  No
 * state: safe from any thread.
 */
#define QL_TEXT_QUOTE_MAX 192
QL_EXTERN size_t ql_text_quote(char *buf, size_t size, const char *text,
                               size_t len, int quote);

/* ------------------------------------------------------- decimals, dates */

/*
 * An exact decimal: value = coef × 10^(−scale), with the signed 128-bit
 * coefficient split into `coef_hi` (high 64 bits, signed) and `coef_lo`
 * (low 64 bits).  |coef| < 10^36 and 0 ≤ scale ≤ 36.  Trailing zeros are
 * significant for display ("12.50" has scale 2) but not for comparison.
 * Stable as laid out: a value type, copied freely.
 */
typedef struct ql_decimal {
    int64_t coef_hi;
    uint64_t coef_lo;
    int32_t scale;
} ql_decimal;

#define QL_DECIMAL_DIGITS 36    /* significant digits a decimal holds */
#define QL_DECIMAL_MAX_SCALE 36 /* digits after the point it holds    */
/* Room for any formatted decimal: sign, 36 digits, point, "0." padding, NUL. */
#define QL_DECIMAL_TEXT_MAX 80

/*
 * Parses text such as "12.75", "-3", "+0.015" (len bytes; no exponent, no
 * spaces, no thousands separators).  Errors: QL_EPARSE for anything that is
 * not a plain decimal, QL_ERANGE for more than 36 significant digits or more
 * than 36 digits after the point (trailing zeros excepted).
 */
QL_EXTERN ql_status ql_decimal_parse(ql_decimal *out, const char *text,
                                     size_t len, ql_error *err);

/* The decimal units × 10^(−scale), e.g. (1250, 2) = 12.50.  scale 0..18. */
QL_EXTERN ql_status ql_decimal_from_int64(ql_decimal *out, int64_t units,
                                          int scale);

/*
 * The value as a whole number of 10^(−scale) units (e.g. fen with scale 2).
 * QL_ERANGE if that loses digits or does not fit in int64.
 */
QL_EXTERN ql_status ql_decimal_to_int64(int64_t *units, const ql_decimal *d,
                                        int scale);

/* Plain notation, never an exponent; returns the length (< TEXT_MAX).  A
 * NULL or malformed decimal writes "NaN". */
QL_EXTERN size_t ql_decimal_format(char *buf, size_t size,
                                   const ql_decimal *d);

/* *out = a + b, exactly, never rounded: QL_ERANGE (and *out left alone)
 * if the exact sum needs more than 36 significant digits or 36 digits
 * after the point; QL_EINVAL for a NULL or malformed argument.  For totals
 * over a batch. */
QL_EXTERN ql_status ql_decimal_add(ql_decimal *out, const ql_decimal *a,
                                   const ql_decimal *b);

/* *out = a − b, exactly; errors as ql_decimal_add. */
QL_EXTERN ql_status ql_decimal_sub(ql_decimal *out, const ql_decimal *a,
                                   const ql_decimal *b);

/* −1, 0 or 1 as a < b, a = b, a > b (exact, whatever the scales).  A NULL
 * or malformed decimal (|coef| ≥ 10^36, scale outside 0…36) sorts before
 * every valid one and equal to another such. */
QL_EXTERN int ql_decimal_compare(const ql_decimal *a, const ql_decimal *b);

/* A calendar date as days since 1970-01-01 (proleptic Gregorian); stable. */
typedef int32_t ql_date;

/* Parses exactly "YYYY-MM-DD" (years 1..9999).  QL_EPARSE otherwise. */
QL_EXTERN ql_status ql_date_parse(ql_date *out, const char *text, size_t len,
                                  ql_error *err);

/* From year, month, day; QL_ERANGE for a date that does not exist or lies
 * outside years 1…9999, QL_EINVAL for a NULL out. */
QL_EXTERN ql_status ql_date_from_ymd(ql_date *out, int year, int month,
                                     int day);

/* "YYYY-MM-DD" into buf (size ≥ 11, cut to fit, NUL terminated when
 * size > 0); returns 10.  A day number outside 0001-01-01 … 9999-12-31
 * writes "" and returns 0. */
QL_EXTERN size_t ql_date_format(char *buf, size_t size, ql_date d);

/* ------------------------------------------------------------------ values */

/* The type of an input, parameter, output or trace value. */
typedef enum ql_type {
    QL_TYPE_NONE = 0, /* no value: an empty input, a check not applicable */
    QL_TYPE_NUMBER,   /* decimal, integer or money: see ql_value.number */
    QL_TYPE_BOOL,
    QL_TYPE_STRING,   /* also enum values */
    QL_TYPE_DATE,
    QL_TYPE_TABLE     /* a bracket table parameter (text form only) */
} ql_type;

/*
 * A value handed out by the library.  Which member is meaningful depends on
 * `type`.  `string` borrows from the record or rule set it came from and is
 * not NUL terminated: use `length`.  Versioned: declare one as
 * `ql_value v = QL_VALUE_INIT;` (or call ql_value_init) before a function
 * fills it.
 */
#define QL_VALUE_VERSION 1

typedef struct ql_value {
    unsigned int version; /* QL_VALUE_VERSION */
    ql_type type;
    int boolean;
    ql_date date;
    ql_decimal number;
    const char *string;
    size_t length;
} ql_value;

/* Every member zero except the version: a NONE value. */
#define QL_VALUE_INIT {QL_VALUE_VERSION}

/* Initialises *v as QL_VALUE_INIT for `version` (pass QL_VALUE_VERSION).
 * QL_EINVAL for NULL or a version this library does not know. */
QL_EXTERN ql_status ql_value_init(ql_value *v, unsigned int version);

/*
 * Formats a value the way the CLI writes it: numbers in plain notation,
 * booleans as "true"/"false", dates as YYYY-MM-DD, NONE as "".  Returns the
 * length the full text needs; buf is always NUL terminated when size > 0,
 * and a text that does not fit is cut at a UTF-8 character boundary.
 * NULL, or a value of a version this library does not know, writes "".
 */
QL_EXTERN size_t ql_value_format(char *buf, size_t size, const ql_value *v);

/* --------------------------------------------------------------- rule sets */

typedef struct ql_ruleset ql_ruleset;

/*
 * Loads and compiles the rule set in the YAML file at `path`, following its
 * `extends` chain (paths relative to the file that names them — the real
 * file when it is named through a symbolic link —, inside the
 * top file's folder: QL_EXTENDS_CONFINED).  `path`
 * may also name an installed rule set, such as "cn/jilin": a relative
 * name that is not an existing file (and has no "." or ".." part) is
 * looked for as NAME and NAME.yaml in each folder of the environment
 * variable QUOTALEVY_RULES_PATH (separated by ':'), then in the folder the
 * bundled rule sets were installed to (PREFIX/share/quotalevy/rules);
 * the first regular file found is loaded.  An `extends` that names no
 * file beside the including one is looked for the same way, so a
 * province's own file may say `extends: cn/national`.  On success
 * *out owns a new rule set; free it with ql_ruleset_free.  Errors: QL_EIO,
 * QL_EPARSE, QL_ESCHEMA, QL_ETYPE, QL_ENAME, QL_ERANGE, QL_ELIMIT, QL_ENOMEM,
 * with the file, line and column of the problem in err.  The same as
 * ql_ruleset_load_ext(out, path, NULL, err).
 */
QL_EXTERN ql_status ql_ruleset_load(ql_ruleset **out, const char *path,
                                    ql_error *err);

/*
 * As ql_ruleset_load, from `len` bytes of YAML in memory.  `name` is used in
 * messages and, when it has a folder ("rules/cn/x.yaml"), as the base of
 * relative `extends` paths.  A name without a folder (NULL: "<memory>")
 * gives the text no folder: its `extends` name rule sets on the search
 * path only ("cn/national"), never files — relative, absolute or with
 * "..", every other name gets the one refusal "no rule set of that name
 * … a rules text loaded from memory has no folder" (QL_EIO) — unless
 * extends_policy is QL_EXTENDS_ANY (ql_ruleset_load_ext).
 * ql_ruleset_load_ext with opts->buffer, for any other option too.
 */
QL_EXTERN ql_status ql_ruleset_load_buffer(ql_ruleset **out, const char *yaml,
                                           size_t len, const char *name,
                                           ql_error *err);

/*
 * Checks the rules file at `path` like ql_ruleset_load, but reports every
 * problem it can find rather than the first: all the malformed entries of
 * the sections, then (if there were none) every expression with a name or
 * type error.  Up to `max` errors go to errs[0…]; *count is the number
 * found (which may exceed max; errs may be NULL when max is 0).  Returns
 * QL_OK when the file loads, else the code of the first problem; QL_EINVAL
 * for a NULL path or count, or errs NULL with max > 0.  No rule set is
 * kept.  ql_ruleset_load_ext's diag_* options do this for a buffer too,
 * with a callback, and keep the rule set of a clean load.
 */
QL_EXTERN ql_status ql_ruleset_diagnose(ql_error *errs, size_t max,
                                        size_t *count, const char *path);

/* A what-if change of one parameter: from `from` on, `param` has `value`
 * (written as in a rules file: "1.7%", "2", "true", "2025-01-01"), in place
 * of whatever values it had from that day.  Versioned: every element of
 * an array of overrides carries the same version (the library reads the
 * first element's to know the array's layout), e.g.
 *     ql_override o[] = {{QL_OVERRIDE_VERSION, "quota_rate", "1.7%", d}};
 * Version 2 adds `shown`: how the caller's user gave the value when a
 * program wrote `value` from it (a binding's Python Decimal('1E+1') or
 * Java BigDecimal), so that a message quotes what the user gave, not a
 * text they never wrote; NULL quotes `value`.  Version 3 adds `flags`
 * (QL_OVERRIDE_*, 0 for none; another bit is QL_EINVAL).  Version 1 and
 * 2 arrays are read as they are, with flags 0. */
#define QL_OVERRIDE_VERSION 3

/* Flags of ql_override (version 3).  QL_OVERRIDE_NUMBER: `value` is a
 * plain decimal number ("0.017", "1E+34" written out) that is the
 * parameter's value itself, whatever the parameter's unit — a
 * percentage's share (0.017 for 1.7 %), no '%' — for a program that
 * holds the value as a number (a Python Decimal, a Java BigDecimal) and
 * so need not know the parameter's unit, or load the rules once to learn
 * it (ql_ruleset_param_unit), before loading them with the override.
 * Without it a percentage's value is written with '%' as in a rules file,
 * and one without is refused (a forgotten '%': 1 meant as 1 %).  The
 * value is held to the parameter's type, places and bounds as any
 * override; a parameter that is not a number refuses it as a text of the
 * wrong kind. */
#define QL_OVERRIDE_NUMBER 1u

typedef struct ql_override {
    unsigned int version; /* QL_OVERRIDE_VERSION */
    const char *param;
    const char *value;
    ql_date from;
    const char *shown;  /* version 2: the value as given, for messages */
    unsigned int flags; /* version 3: QL_OVERRIDE_* */
} ql_override;

/* Every member zero / NULL except the version. */
#define QL_OVERRIDE_INIT {QL_OVERRIDE_VERSION}

/* Initialises *o as QL_OVERRIDE_INIT for `version` (pass
 * QL_OVERRIDE_VERSION), writing only that version's layout (version 1's
 * struct ends before `shown`, version 2's before `flags`).  QL_EINVAL for
 * NULL or an unknown version. */
QL_EXTERN ql_status ql_override_init(ql_override *o, unsigned int version);

/*
 * As ql_ruleset_load, with n parameter overrides applied before the
 * rules are compiled, so a batch can be evaluated under changed law.  A
 * traced overridden value cites "what-if override".  Overrides of one
 * parameter apply earliest first, whatever their order in the array, so
 * each holds until the next; two from one day are QL_EINVAL.  A
 * parameter's places are part of its type (its `scale:`, else the most
 * of its values in the rules file), so an
 * override never changes how an output is shown: one with fewer places
 * is padded to them, trailing zeros past them are dropped, and one that
 * needs more is QL_ESCHEMA.  Errors as
 * ql_ruleset_load, and QL_ENAME for an unknown parameter (err->field
 * names it), QL_ETYPE for a table parameter, QL_ESCHEMA for a value that
 * does not fit the parameter's type as its own values must (a fraction
 * for an integer, more places than its money's currency has or than
 * the parameter's places, a percentage written without its '%' unless
 * the override has QL_OVERRIDE_NUMBER),
 * QL_ERANGE for one past its min or max; QL_EINVAL for NULL fields, a
 * `from` outside 0001-01-01 … 9999-12-31, or an override version this
 * library does not know (or not the same in every element).  ql_ruleset_load_ext's overrides option does this for a
 * buffer too.
 */
QL_EXTERN ql_status ql_ruleset_load_overridden(ql_ruleset **out,
                                               const char *path,
                                               const ql_override *ovr,
                                               size_t n, ql_error *err);

/*
 * Loading with options: one entry point for every way of loading.
 *
 * ql_ruleset_load_ext reads the rules named `source` and applies what
 * `opts` asks for; any mix of the options works together (a buffer with
 * overrides, a buffer diagnosed, a file whose `extends` come from a
 * database through a resolver, …).  The options struct follows libgit2's
 * versioning: set it up with QL_LOAD_OPTIONS_INIT or ql_load_options_init,
 * then set the fields you need; a program built against an older header
 * keeps working when fields are added, since the library reads only the
 * fields of the version it is given.
 */

/* A diagnostics callback: called once per problem found, in order.
 * Return 0 to go on looking, non-zero to stop the load at this problem. */
typedef int (*ql_diagnostic_cb)(const ql_error *problem, void *payload);

/*
 * An include resolver: finds the rules an `extends:` names without the
 * file system — e.g. a rule set stored in a database table.  `name` is the
 * text after `extends:`, exactly as written; `from` is the name of the
 * rules that wrote it (the `source` of the top file, or an earlier
 * resolved name).  On QL_OK, *text and *len are the rules (UTF-8 YAML);
 * the loader copies them at once, then calls the options' resolve_free
 * (if set) with the same text, so the resolver may hand out memory it
 * allocated, or memory it owns that stays valid until it is next called.
 * The resolved rules are named `name` in messages, and their own
 * `extends` go to the resolver again.  Return QL_RESOLVE_PASS to leave
 * this name to the ordinary file lookup, or an error status (QL_ENAME for
 * no rule set of that name, QL_EIO, …), optionally with a message in
 * `err`, which the loader reports at the `extends:` line.
 */
#define QL_RESOLVE_PASS 1
typedef ql_status (*ql_resolve_cb)(const char **text, size_t *len,
                                   const char *name, const char *from,
                                   void *payload, ql_error *err);
typedef void (*ql_resolve_free_cb)(const char *text, size_t len,
                                   void *payload);

/* Which files `extends:` may name (ql_load_options.extends_policy).
 * Whatever the policy, only regular files are read (a directory, device,
 * FIFO or socket is QL_EIO, and never blocks), and a file that is not a
 * rules file (no top-level 'quotalevy' key) is refused as such without
 * its text being quoted. */
typedef enum ql_extends_policy {
    /* The default: only files inside the folder of the top rules file —
     * relative names, with no ".." or symbolic link leading out of it; an
     * absolute path or a way out is QL_EIO ("refused").  A rule set found
     * by name on the search path ("cn/national") is allowed, and its own
     * `extends` are confined to its folder. */
    QL_EXTENDS_CONFINED = 0,
    /* Any path the process can read, absolute or with "..". */
    QL_EXTENDS_ANY = 1
} ql_extends_policy;

#define QL_LOAD_OPTIONS_VERSION 1

typedef struct ql_load_options {
    unsigned int version; /* QL_LOAD_OPTIONS_VERSION */

    /* The rules text itself, `buffer_len` bytes, instead of reading the
     * file `source`; `source` is then only the name used in messages and,
     * when it has a folder, the folder relative `extends` start from
     * (without one, or NULL: "<memory>", `extends` name rule sets on the
     * search path only, unless QL_EXTENDS_ANY: then the working
     * directory).  NULL: read the file `source`. */
    const char *buffer;
    size_t buffer_len;

    /* What-if parameter values, applied before compiling (as
     * ql_ruleset_load_overridden). */
    const ql_override *overrides;
    size_t n_overrides;

    /* Diagnostics: when any of these is set, the load reports every
     * problem it can find instead of stopping at the first (as
     * ql_ruleset_diagnose): up to diag_max of them copied to
     * diag_errors[0…], each passed to diag_cb, and the number found in
     * *diag_count (may exceed diag_max).  A load with problems returns
     * the first one's code (and copies it to `err`) and no rule set; a
     * clean load returns the rule set as usual. */
    ql_error *diag_errors;
    size_t diag_max;
    size_t *diag_count;
    ql_diagnostic_cb diag_cb;
    void *diag_payload;

    /* A ql_extends_policy for `extends:` paths (the resolver is asked
     * first and is not bound by it). */
    unsigned int extends_policy;

    /* Folders, separated by ':', searched for rule sets named like
     * "cn/jilin" (as `source` or in `extends:`) before
     * $QUOTALEVY_RULES_PATH and the installed rules; NULL for none. */
    const char *search_path;

    /* The include resolver, its free callback and their payload; NULL:
     * `extends` names files only. */
    ql_resolve_cb resolve;
    ql_resolve_free_cb resolve_free;
    void *resolve_payload;
} ql_load_options;

/* Every field zero / NULL except the version: the defaults. */
#define QL_LOAD_OPTIONS_INIT {QL_LOAD_OPTIONS_VERSION}

/* Initialises opts as QL_LOAD_OPTIONS_INIT for `version` (pass
 * QL_LOAD_OPTIONS_VERSION).  QL_EINVAL for NULL or a version this library
 * does not know. */
QL_EXTERN ql_status ql_load_options_init(ql_load_options *opts,
                                         unsigned int version);

/*
 * Loads the rule set `source` (a file path, or with opts->buffer the name
 * of the text) as opts says; opts NULL means the defaults, which is
 * ql_ruleset_load.  On success *out owns a new rule set.  Errors: those of
 * ql_ruleset_load and ql_ruleset_load_overridden, and QL_EINVAL for a
 * NULL out or source (without a buffer), an unknown opts->version, NULL
 * override fields or diag_errors NULL with diag_max > 0.
 */
QL_EXTERN ql_status ql_ruleset_load_ext(ql_ruleset **out, const char *source,
                                        const ql_load_options *opts,
                                        ql_error *err);

/* Frees a rule set.  Records and results made from it must not be used
 * afterwards (freeing them is still safe, in any order). */
QL_EXTERN void ql_ruleset_free(ql_ruleset *rs);

/* Metadata; each borrows from the rule set.  key: "id", "title",
 * "jurisdiction", "version", "description", "file", "currency" (the ISO
 * 4217 code its money is in; NULL when it declares none), "file.1",
 * "file.2", … (the canonical path of each file the rules were read from:
 * the top file, then every file its `extends` chain names, NULL past the
 * last; rules from a buffer or the include resolver are not files, so a
 * command can refuse to write over any of them).  NULL if unknown key. */
QL_EXTERN const char *ql_ruleset_meta(const ql_ruleset *rs, const char *key);

/* The ISO 4217 code of the currency every money value of the rule set is
 * in ("CNY", "EUR", "JPY"), as ql_ruleset_meta(rs, "currency"); NULL when
 * it declares none (it then has no money) or rs is NULL.  A file that
 * extends another keeps its currency: naming another is a load error.
 * Borrows from the rule set. */
QL_EXTERN const char *ql_ruleset_currency(const ql_ruleset *rs);
/* The decimal places of that currency's minor unit (2 for CNY and EUR, 0
 * for JPY), which every money value is shown with; −1 when the rule set
 * declares no currency or rs is NULL. */
QL_EXTERN int ql_ruleset_currency_places(const ql_ruleset *rs);

/* Inputs (record fields), in declaration order. */
QL_EXTERN size_t ql_ruleset_input_count(const ql_ruleset *rs);
QL_EXTERN const char *ql_ruleset_input_name(const ql_ruleset *rs, size_t i);
/* The declared type word: "decimal", "integer", "money", "bool", "enum",
 * "string" or "date". */
QL_EXTERN const char *ql_ruleset_input_type(const ql_ruleset *rs, size_t i);
/* The most decimal places a value of input i may have, so the places it
 * is shown with: its `scale:` for a decimal, the currency's minor unit
 * for money, 0 for an integer; −1 for a decimal without `scale:` (any),
 * a type that is no number, or a bad index.  `quotalevy run --group-by`
 * writes a number input's group at these places (money 90437.00). */
QL_EXTERN int ql_ruleset_input_scale(const ql_ruleset *rs, size_t i);
QL_EXTERN const char *ql_ruleset_input_description(const ql_ruleset *rs,
                                                   size_t i);
/* Index of the input called `name`, or −1. */
QL_EXTERN int ql_ruleset_input_index(const ql_ruleset *rs, const char *name);
/* Value k (0-based, declaration order) of enum input i, the text a record
 * takes for it; NULL when i is not an enum input or k is past its values.
 * A column of ql_evaluate_columns gives an enum input as this k. */
QL_EXTERN const char *ql_ruleset_input_enum(const ql_ruleset *rs, size_t i,
                                            size_t k);

/* Outputs in declared order.  An output is a computed value or a check. */
QL_EXTERN size_t ql_ruleset_output_count(const ql_ruleset *rs);
QL_EXTERN const char *ql_ruleset_output_name(const ql_ruleset *rs, size_t i);
/* 1 if output i is a check (see ql_result_check), else 0. */
QL_EXTERN int ql_ruleset_output_is_check(const ql_ruleset *rs, size_t i);
/* The type of output i's values: QL_TYPE_NUMBER, _BOOL, _STRING (also
 * enums), _DATE; a check output is QL_TYPE_BOOL.  QL_TYPE_NONE if i is out
 * of range. */
QL_EXTERN ql_type ql_ruleset_output_type(const ql_ruleset *rs, size_t i);

/* Index of the output called `name` (a list's item as "name[3]"), or −1. */
QL_EXTERN int ql_ruleset_output_index(const ql_ruleset *rs, const char *name);

/*
 * The places output i's numbers are shown with: a money output has its
 * currency's minor unit (CNY 2, JPY 0, …), any other number the `scale:`
 * its rule set declares or the type checker derived.  Every number that
 * ql_result_output, ql_result_output_text, ql_result_check, the trace and
 * so every front end hands out for it has exactly this scale (a value of
 * more than 36 digits, padded, would not fit: it keeps its own).  The
 * library proves at load that no digit is lost: a value that could carry
 * more places is a load error unless the rule set declared a display-only
 * rounding (`display:`).  −1 for a bool, string, date or check output, or
 * a bad index.
 */
QL_EXTERN int ql_ruleset_output_scale(const ql_ruleset *rs, size_t i);
/* 1 if output i is an amount of money (in the "currency" of
 * ql_ruleset_meta), else 0. */
QL_EXTERN int ql_ruleset_output_is_money(const ql_ruleset *rs, size_t i);

/* How an output's values combine over many records, as its rule set
 * marks it (`aggregate:`): what totals and group reports may do with it. */
typedef enum ql_aggregate {
    QL_AGG_NONE = 0, /* not totalled: a rate, an average, a label          */
    QL_AGG_SUM,      /* added up: money (the default), headcounts, shortfalls */
    QL_AGG_COUNT,    /* counted where true: bools and checks (the default)  */
    QL_AGG_MIN,      /* the least                                           */
    QL_AGG_MAX       /* the greatest                                        */
} ql_aggregate;
QL_EXTERN ql_aggregate ql_ruleset_output_aggregate(const ql_ruleset *rs,
                                                   size_t i);

/* Checks in declaration order. */
QL_EXTERN size_t ql_ruleset_check_count(const ql_ruleset *rs);
/* Index of the check called `name`, or −1. */
QL_EXTERN int ql_ruleset_check_index(const ql_ruleset *rs, const char *name);
QL_EXTERN const char *ql_ruleset_check_name(const ql_ruleset *rs, size_t i);
QL_EXTERN const char *ql_ruleset_check_title(const ql_ruleset *rs, size_t i);
/* The citation text, e.g. "jilin-plan-2022 三(一)". */
QL_EXTERN const char *ql_ruleset_check_source(const ql_ruleset *rs, size_t i);

/* Parameters in declaration order. */
QL_EXTERN size_t ql_ruleset_param_count(const ql_ruleset *rs);
QL_EXTERN const char *ql_ruleset_param_name(const ql_ruleset *rs, size_t i);
/*
 * What kind of number parameter i is, so that a program writing an
 * override of it from a number it holds (a binding's Decimal or
 * BigDecimal) writes the text the parameter reads: a percentage (`unit:
 * percent`) is written as its share in percent with '%' ("1.7%" for
 * 0.017), any other number as it is (1E+34 for an amount written out as
 * its 35 digits: as a percent it would need 37, more than a decimal
 * holds).  The override's bounds, places and type are checked by the
 * load, as for any override.  Never fails: a NULL rs or an index out of
 * range is QL_PARAM_NOT_NUMBER.  A program that holds the value as a
 * number need not ask: an override with QL_OVERRIDE_NUMBER is read in the
 * parameter's unit by the load itself, so the rules are loaded once.
 */
typedef enum ql_param_unit {
    QL_PARAM_NOT_NUMBER = 0, /* a bool, string, enum, date or table; also
                                a NULL rs or an index out of range       */
    QL_PARAM_NUMBER,         /* a plain decimal number                   */
    QL_PARAM_INTEGER,        /* a whole number (`type: integer`)          */
    QL_PARAM_MONEY,          /* an amount in the rule set's currency      */
    QL_PARAM_PERCENT         /* a share, written in percent (`unit: percent`) */
} ql_param_unit;
QL_EXTERN ql_param_unit ql_ruleset_param_unit(const ql_ruleset *rs, size_t i);
/*
 * The value of parameter i in force on `date`, the date it holds from, and
 * its citation (both out-pointers optional).  A table parameter comes back
 * as QL_TYPE_TABLE with its text form in value->string.  QL_ENODATA if no
 * value is in force on that date; QL_EINVAL for a NULL rs or value, a
 * value of an unknown version, i out of range, or a date outside
 * 0001-01-01 … 9999-12-31.  The value borrows from the rule set.
 */
QL_EXTERN ql_status ql_ruleset_param_value(ql_value *value, ql_date *from,
                                           const char **source,
                                           const ql_ruleset *rs, size_t i,
                                           ql_date date, ql_error *err);

/* ----------------------------------------------------------------- records */

typedef struct ql_record ql_record;

/* A new record for `rs` with every field empty.  Borrows rs. */
QL_EXTERN ql_status ql_record_new(ql_record **out, const ql_ruleset *rs,
                                  ql_error *err);
QL_EXTERN void ql_record_free(ql_record *rec);

/* Empties every field, keeping the memory. */
QL_EXTERN void ql_record_clear(ql_record *rec);

/*
 * Sets field `i` from text as read from a file: "12.75", "true", "agency",
 * "2024-01-01".  Surrounding ASCII blanks are ignored; an empty text makes
 * the field empty.  The text is checked against the field's type and
 * constraints here, so errors name the field: QL_ERECORD (err->field set) or
 * QL_EINVAL for a bad index.  The record copies string values.
 * Booleans accept true/false, yes/no, 1/0 (any case).
 */
QL_EXTERN ql_status ql_record_set_text(ql_record *rec, size_t i,
                                       const char *text, size_t len,
                                       ql_error *err);
/*
 * Sets the fields of one row of texts, as ql_record_set_text would one by
 * one, in one call: text j (texts[j], lens[j] bytes; NULL only with
 * length 0, an empty field) goes to field fields[j], for j < n; a
 * negative fields[j] is a column that feeds no field (skipped).  A
 * caller that maps a file's columns once (`quotalevy run` does) sets a
 * row without a call a field.  The record is not emptied first: an
 * empty text empties its field, the others keep their values.  When
 * fields refuse their texts, the refusal reported is the one whose field
 * is declared first (the lowest index), whatever the order of the texts:
 * its status, err filled as ql_record_set_text fills it, and *failed
 * (optional) = its j — so the error a row reports does not depend on
 * the order of its columns.  The record is then in no defined state
 * (clear it).  QL_EINVAL for a NULL record or array (with n > 0) or a
 * field index out of range (*failed its j).
 */
QL_EXTERN ql_status ql_record_set_texts(ql_record *rec, const int *fields,
                                        const char *const *texts,
                                        const size_t *lens, size_t n,
                                        size_t *failed, ql_error *err);
/* As ql_record_set_text, by field name (QL_ERECORD for an unknown name),
 * from a NUL-terminated text; a NULL text empties the field, as "" does. */
QL_EXTERN ql_status ql_record_set(ql_record *rec, const char *name,
                                  const char *text, ql_error *err);
/* Typed setters, checked against the field's type and constraints. */
QL_EXTERN ql_status ql_record_set_decimal(ql_record *rec, size_t i,
                                          const ql_decimal *value,
                                          ql_error *err);
QL_EXTERN ql_status ql_record_set_int(ql_record *rec, size_t i, int64_t value,
                                      ql_error *err);
QL_EXTERN ql_status ql_record_set_bool(ql_record *rec, size_t i, int value,
                                       ql_error *err);
QL_EXTERN ql_status ql_record_set_date(ql_record *rec, size_t i, ql_date value,
                                       ql_error *err);
/* Makes field i empty. */
QL_EXTERN ql_status ql_record_unset(ql_record *rec, size_t i, ql_error *err);

/* The value of field i (QL_TYPE_NONE when empty); borrows from rec.
 * QL_EINVAL for NULL, i out of range or a value of an unknown version. */
QL_EXTERN ql_status ql_record_get(ql_value *out, const ql_record *rec,
                                  size_t i);

/* ----------------------------------------------------------------- results */

typedef struct ql_result ql_result;

/* A result area for evaluations of `rs`.  Borrows rs.  Reusable. */
QL_EXTERN ql_status ql_result_new(ql_result **out, const ql_ruleset *rs,
                                  ql_error *err);
QL_EXTERN void ql_result_free(ql_result *res);

/* Flags for ql_evaluate. */
enum {
    QL_EVAL_TRACE = 1 /* record every step for ql_result_trace_* */
};

/*
 * Evaluates `rec` on `date` into `res` (which must belong to the same rule
 * set).  Parameters are taken as in force on that date.  Every validation is
 * checked, then every output and every check is evaluated.  Errors: a
 * record that breaks a validation, or whose needed field is empty, gives
 * QL_ERECORD; an overflow or division by zero gives QL_ERANGE; a parameter
 * without a value on that date gives QL_ENODATA.  The error names the field
 * and the rules-file position of the expression.  The same status and
 * error are kept in `res` (ql_result_status, ql_result_error).  QL_EINVAL
 * for a NULL or mismatched handle, a flag other than QL_EVAL_TRACE, or a
 * date outside 0001-01-01 … 9999-12-31.
 * Thread-safety: any number of threads may evaluate against one rule set
 * at once, each with its own record and result.
 * Speed: a record whose values all fit in 64 bits and that evaluates
 * without error (and without QL_EVAL_TRACE) is evaluated by a 64-bit
 * register machine; any other goes to the exact 128-bit engine.  Both give
 * the same results, scales and errors (docs/performance.md).  A rule set
 * loaded with QUOTALEVY_FAST=0 in the environment uses the exact engine
 * alone: for differential testing only.  A result makes the fast path's
 * working memory on its first evaluation (without memory it evaluates
 * the exact way).
 */
QL_EXTERN ql_status ql_evaluate(ql_result *res, const ql_record *rec,
                                ql_date date, unsigned flags, ql_error *err);

/*
 * Evaluates n records into n results, all on `date`, without allocating
 * (but for the fast path's working memory, made once in results[0] on its
 * first evaluation and used for the whole batch).
 * Each result keeps its own status and error; the return value is QL_OK if
 * every record evaluated, else the status of the first that failed
 * (QL_EINVAL for a NULL or mismatched handle, in which case none ran; for
 * a bad flag or date, every result is marked QL_EINVAL and none ran).
 */
QL_EXTERN ql_status ql_evaluate_many(ql_result *const *results,
                                     const ql_record *const *recs, size_t n,
                                     ql_date date, unsigned flags);

/* The status and error of the last evaluation into res. */
QL_EXTERN ql_status ql_result_status(const ql_result *res);
QL_EXTERN const ql_error *ql_result_error(const ql_result *res);

/* The rule set res was made for (borrowed), NULL for NULL. */
QL_EXTERN const ql_ruleset *ql_result_ruleset(const ql_result *res);

/* The date of the last successful evaluation into res; INT32_MIN when
 * there is none (never evaluated, or the last evaluation failed). */
QL_EXTERN ql_date ql_result_date(const ql_result *res);

/* Output i (ruleset order).  A check output gives its `compliant` value
 * (QL_TYPE_NONE when not applicable); use ql_result_check for the rest.
 * QL_EINVAL for NULL, a result without a successful evaluation, i out of
 * range or a value of an unknown version.  Borrows from res. */
QL_EXTERN ql_status ql_result_output(ql_value *out, const ql_result *res,
                                     size_t i);

#define QL_CHECK_RESULT_VERSION 1

/*
 * Versioned: `ql_check_result c = QL_CHECK_RESULT_INIT;` before
 * ql_result_check fills it (its values are filled as QL_VALUE_VERSION
 * values and carry that version).
 *
 * The outcome of one check.  A check that does not apply binds nobody:
 * `applicable` is 0 and `compliant` is 1, as in expressions, where
 * `check.compliant` of such a check is true (so "all checks met" needs no
 * special case); its numbers are NONE.  Where a result is written out
 * (ql_result_output, ql_result_check_text, the trace, CSV and JSONL) its
 * compliant is no value (NONE, "", null), so a report tells "does not
 * apply" from "met".
 */
typedef struct ql_check_result {
    unsigned int version; /* QL_CHECK_RESULT_VERSION */
    int applicable;
    int compliant;
    ql_value required;
    ql_value actual;
    ql_value shortfall;
} ql_check_result;

#define QL_CHECK_RESULT_INIT {QL_CHECK_RESULT_VERSION}

/* Initialises *c as QL_CHECK_RESULT_INIT for `version`.  QL_EINVAL for
 * NULL or an unknown version. */
QL_EXTERN ql_status ql_check_result_init(ql_check_result *c,
                                         unsigned int version);

/* Check i (ruleset check order).  QL_EINVAL as ql_result_output. */
QL_EXTERN ql_status ql_result_check(ql_check_result *out,
                                    const ql_result *res, size_t i);

/* The fields of a check, for ql_result_check_text. */
typedef enum ql_check_field {
    QL_CHECK_APPLICABLE,
    QL_CHECK_COMPLIANT,
    QL_CHECK_REQUIRED,
    QL_CHECK_ACTUAL,
    QL_CHECK_SHORTFALL
} ql_check_field;

/* The places field f (REQUIRED, ACTUAL or SHORTFALL) of check i is shown
 * with, as ql_ruleset_output_scale; −1 for other fields or a bad index. */
QL_EXTERN int ql_ruleset_check_scale(const ql_ruleset *rs, size_t i,
                                     ql_check_field f);

/* How check i's shortfall combines over many records, as its rule set
 * marks it (the check's `aggregate:`): QL_AGG_SUM by default (persons or
 * money short add up), QL_AGG_NONE, QL_AGG_MIN or QL_AGG_MAX.  A check
 * that compares shares (a number divided by a per-record number) has no
 * default: as an output it must say, else the load fails.  A check's
 * compliant units are counted whatever this says (its output's
 * aggregation is QL_AGG_COUNT).  QL_AGG_NONE for a bad index. */
QL_EXTERN ql_aggregate ql_ruleset_check_aggregate(const ql_ruleset *rs,
                                                  size_t i);

/* Output i, or field f of check i, as the text ql_value_format would
 * give for ql_result_output's / ql_result_check's value ("" for none),
 * written into buf (size bytes, NUL terminated, cut to fit at a UTF-8
 * character boundary).  Returns the
 * full length (not counting the NUL), or 0 for a bad argument or a result
 * without a successful evaluation.  The fast way to write results out:
 * nothing is converted on the way.  Buffers of QL_DECIMAL_TEXT_MAX bytes
 * hold any number, bool or date. */
QL_EXTERN size_t ql_result_output_text(char *buf, size_t size,
                                       const ql_result *res, size_t i);
QL_EXTERN size_t ql_result_check_text(char *buf, size_t size,
                                      const ql_result *res, size_t i,
                                      ql_check_field f);

/*
 * Output i, or field f (REQUIRED, ACTUAL, SHORTFALL) of check i, as a
 * 64-bit coefficient at its shown places: *coef × 10^−scale is the number
 * ql_result_output / ql_result_check give, the scale returned being their
 * value's.  For bindings that keep a column of numbers without making a
 * ql_value or a text for each (the fast path's 64-bit values are handed
 * out as they are).  Returns the scale (≥ 0); QL_I64_NONE when there is
 * no number there (empty, a check that does not apply, not a number, a
 * bad argument or a result without a successful evaluation); QL_I64_WIDE
 * when there is one that this does not give (past 64 bits, or shown by a
 * rounding): read it with ql_result_output / ql_result_check.  *coef is
 * written only when a scale is returned.
 */
#define QL_I64_NONE (-1)
#define QL_I64_WIDE (-2)
QL_EXTERN int ql_result_output_i64(int64_t *coef, const ql_result *res, size_t i);
QL_EXTERN int ql_result_check_i64(int64_t *coef, const ql_result *res, size_t i,
                                  ql_check_field f);
/*
 * The same for one column of a batch: output i (or field f of check i)
 * of each of the n results res[0..n−1], in one call — for a binding that
 * keeps a batch's outputs column by column (the output's definition is
 * looked up once, not once a value).  For each r, scale[r] is what
 * ql_result_output_i64 / ql_result_check_i64 return and coef[r] (written
 * only where scale[r] ≥ 0) the coefficient, except that a bool — a bool
 * output, a check output's compliance, a check's applicable and
 * compliant fields — is also given, as 0 or 1 with scale 0, and any
 * other value (a date, a string, an input shown as an output) is
 * QL_I64_WIDE: read it with ql_result_output.  A NULL res[r], or a
 * result without a successful evaluation, has QL_I64_NONE.  The results
 * are of one rule set.  QL_EINVAL (err set) for a NULL array with n > 0,
 * an index or field out of range, or results of different rule sets
 * (scale[] is then partly written).
 */
QL_EXTERN ql_status ql_results_output_i64(int64_t *coef, int8_t *scale,
                                          const ql_result *const *res, size_t n,
                                          size_t i, ql_error *err);
QL_EXTERN ql_status ql_results_check_i64(int64_t *coef, int8_t *scale,
                                         const ql_result *const *res, size_t n,
                                         size_t i, ql_check_field f,
                                         ql_error *err);

/* ------------------------------------------------------------- columns */

/*
 * A batch given column by column: for a caller whose data already are
 * arrays of numbers (a database's or a data frame's int64 columns, a
 * bureau's fixed-point arrays) and texts (an id), evaluated without a
 * record or a result
 * a row.  A ql_columns names, for one rule set, where each input is read
 * from and where each wanted output is written to; the arrays are the
 * caller's, borrowed, never copied.  One evaluation is
 * ql_evaluate_columns over rows 0 … n−1 of them.
 *
 * Each row gives exactly what ql_evaluate gives for a record whose fields
 * were set from that row with the typed setters — a number with
 * ql_record_set_decimal of values[r] × 10^−scale, a bool with
 * ql_record_set_bool, a date with ql_record_set_date, an enum with its
 * value k (ql_ruleset_input_enum), a string with ql_record_set_text —
 * and whose other fields are empty:
 * the same values at the same scales, the same errors with the same
 * messages, fields and places (an enum index past its values, which no
 * setter takes, is refused as QL_ERECORD naming the field, with a
 * message of its own).  Rows whose numbers fit in 64 bits take
 * the fast path (docs/performance.md), evaluated in place from the
 * columns; any other row, and any row the fast path hands back (an
 * overflow, an empty field a formula needs, a value a field refuses, a
 * failed validation), goes through a record and ql_evaluate.
 * Thread-safety: a ql_columns is one thread's at a time (it holds that
 * record and the fast path's memory); any number of them, one a thread,
 * may share a rule set.
 */
typedef struct ql_columns ql_columns;

/* A batch description for `rs` with no column set: every input empty, no
 * output written.  Borrows rs, which must outlive it.  QL_EINVAL for a
 * NULL out or rs; QL_ENOMEM. */
QL_EXTERN ql_status ql_columns_new(ql_columns **out, const ql_ruleset *rs,
                                   ql_error *err);
/* Frees cols; NULL is a no-op.  The caller's arrays are not touched. */
QL_EXTERN void ql_columns_free(ql_columns *cols);

/*
 * Input i is read from values[r] for row r: a number (decimal, integer,
 * money) is values[r] × 10^−scale (0 ≤ scale ≤ 18); a bool is 0 for
 * false and any other value for true; a date is a ql_date (days from
 * 1970-01-01); an enum is the index k of its value (ql_ruleset_input_enum).
 * Bools, dates and enums take scale 0.  present (may be NULL: every row
 * set) marks with 0 the rows whose field is empty, whatever values holds
 * there.  values NULL (with present NULL) takes the column away, whatever
 * the input's type and scale: the field is empty on every row.  The arrays are borrowed: they must hold
 * the n rows of each ql_evaluate_columns that follows, until the column
 * is set again.  A value the field refuses (a fraction in an integer, a
 * number out of its range, too many places, a date outside 0001 … 9999,
 * an enum index past its values) is that row's error, as the setter's
 * would be.  QL_EINVAL (err set) for a NULL cols, i out of range, values
 * for a string input (ql_columns_set_input_text takes its texts), a scale
 * out of range or not 0 for a bool, date or enum, or a present without
 * values.
 */
QL_EXTERN ql_status ql_columns_set_input(ql_columns *cols, size_t i,
                                         const int64_t *values, int scale,
                                         const uint8_t *present,
                                         ql_error *err);

/*
 * String input i is read from texts[r], lens[r] bytes (not NUL
 * terminated) for row r, exactly as ql_record_set_text reads a text:
 * UTF-8, blanks (space, tab) at either end trimmed, an empty text an
 * empty field, and a text the field refuses (not UTF-8, a NUL byte, not
 * in normalization form C where a formula compares it) that row's
 * error with the setter's message.  present (may be NULL) marks with 0
 * the rows whose field is empty, whatever texts holds there.  texts,
 * lens and present all NULL take the column away.  Borrowed as
 * ql_columns_set_input's: the texts too must stay as they are for each
 * ql_evaluate_columns that follows.  Rows whose text is ASCII with no
 * blank at its ends are read in place; any other goes through a record.
 * QL_EINVAL (err set) for a NULL cols, i out of range, an input that is
 * not a string (ql_columns_set_input takes those), or one of texts and
 * lens NULL without the other.
 */
QL_EXTERN ql_status ql_columns_set_input_text(ql_columns *cols, size_t i,
                                              const char *const *texts,
                                              const size_t *lens,
                                              const uint8_t *present,
                                              ql_error *err);

/*
 * Output i (ruleset order) is written to coef[r] and scale[r] for each
 * row r, as ql_results_output_i64 would write it for the row's result:
 * scale[r] ≥ 0 and coef[r] × 10^−scale[r] the number at its shown places
 * (a bool, and a check output's compliance, as 0 or 1 with scale 0);
 * QL_I64_NONE for none (a check that does not apply, a row that failed);
 * QL_I64_WIDE for a value this does not give (past 64 bits, shown by a
 * rounding, a date — ql_columns_set_output_date gives those —, a string,
 * an enum, an input shown as an output):
 * evaluate that row with ql_evaluate to read it.  coef is written only
 * where scale[r] ≥ 0.  Both NULL: output i is not written (and costs
 * nothing to skip).  Borrowed as ql_columns_set_input's.  QL_EINVAL (err
 * set) for a NULL cols, i out of range, or one of coef and scale NULL.
 */
QL_EXTERN ql_status ql_columns_set_output(ql_columns *cols, size_t i,
                                          int64_t *coef, int8_t *scale,
                                          ql_error *err);
/*
 * Computed date output i is written to days[r] (a ql_date, as
 * ql_result_output gives it) for each row r, with state[r] 0, or
 * QL_I64_NONE in state[r] (days[r] untouched) where the row has no date
 * there (it failed, or the date is empty).  Instead of a
 * ql_columns_set_output column of output i (each call replaces the
 * other's).  Both NULL: not written.  Borrowed as ql_columns_set_input's.
 * QL_EINVAL (err set) for a NULL cols, i out of range, one of days and
 * state NULL, or an output that is not a computed date.
 */
QL_EXTERN ql_status ql_columns_set_output_date(ql_columns *cols, size_t i,
                                               ql_date *days, int8_t *state,
                                               ql_error *err);
/* The same for field f of check i (ruleset check order), as
 * ql_results_check_i64 writes it: applicable and compliant as 0 or 1 with
 * scale 0 (compliant QL_I64_NONE where the check does not apply), the
 * numbers at their shown places.  QL_EINVAL as ql_columns_set_output,
 * and for a field out of range. */
QL_EXTERN ql_status ql_columns_set_check(ql_columns *cols, size_t i,
                                         ql_check_field f, int64_t *coef,
                                         int8_t *scale, ql_error *err);

/* Called by ql_evaluate_columns for each row that fails, in row order:
 * the row's index and its error (a field's refusal of its value, or the
 * evaluation's), which is valid only during the call. */
typedef void (*ql_row_error_cb)(size_t row, const ql_error *err,
                                void *payload);

/*
 * Evaluates rows 0 … n−1 of the columns of cols on `date` (a trace needs
 * a record: ql_evaluate with QL_EVAL_TRACE).  Every output
 * and check column set is written for every row; a row that fails has
 * QL_I64_NONE in all of them and is reported to on_error (may be NULL)
 * with payload.  Returns QL_OK when every row evaluated, else the status
 * of the first row that failed, with that row's error in err (its place
 * and field, its message led by the row: "row 7, field 'd': date 2932897
 * (days from 1970-01-01) is after 9999-12-31: expected …"; on_error gets
 * each row's error as ql_evaluate gives it, without the row).  QL_EINVAL
 * (err set, nothing written) for a NULL cols or a date outside
 * 0001-01-01 … 9999-12-31.  QL_ENOMEM when the memory for the exact way
 * cannot be had (err set; the rows before it are written).  Allocates
 * nothing after the first call but for a row that takes the exact way
 * with a longer string.
 */
QL_EXTERN ql_status ql_evaluate_columns(ql_columns *cols, size_t n,
                                        ql_date date,
                                        ql_row_error_cb on_error,
                                        void *payload, ql_error *err);

/*
 * Every output of the last evaluation as the fields of one delimited
 * line (CSV, TSV), in output order, the way `quotalevy run` writes a
 * row's values: each output — or each of a check output's five fields,
 * applicable, compliant, required, actual, shortfall — preceded by
 * `sep` and written as ql_result_output_text / ql_result_check_text
 * write it ("" for none).  A string or enum value holding sep, '"', CR
 * or LF is quoted as CSV quotes it (in '"', each '"' doubled).  No line
 * end is written: a caller puts its own columns (an id) before and the
 * line end after.  One call for the row instead of one a value, and the
 * numbers written straight from 64 bits (docs/performance.md).
 *
 * Written into buf (size bytes, NUL terminated, cut to fit at a UTF-8
 * character boundary, never inside a character); returns the
 * full length (not counting the NUL), so a caller can call again with a
 * buffer of that length + 1.  Room for any row without strings:
 * QL_DECIMAL_TEXT_MAX + 1 bytes a field, and one for the NUL.  Returns 0
 * (and writes "") for NULL, a result without a successful evaluation,
 * or a sep that could not part the values again: sep is a tab, a space
 * or ASCII punctuation other than '"', '-', '.' and '+' (never a digit,
 * a letter, a control character or a byte of a UTF-8 sequence).
 */
QL_EXTERN size_t ql_result_row_text(char *buf, size_t size,
                                    const ql_result *res, char sep);

/* Kinds of trace step. */
typedef enum ql_step_kind {
    QL_STEP_INPUT = 1,  /* a record field that was read */
    QL_STEP_PARAM,      /* a parameter value in force, with its date */
    QL_STEP_COMPUTED,   /* a computed value with its formula */
    QL_STEP_CHECK       /* a check's outcome */
} ql_step_kind;

/* "input", "param", "computed", "check"; "?" for anything else. */
QL_EXTERN const char *ql_step_kind_name(ql_step_kind kind);

/*
 * One step of an evaluation, in the order values were settled.  Strings
 * borrow from the rule set; `value` borrows from the result.  Versioned:
 * `ql_trace_step s = QL_TRACE_STEP_INIT;` before ql_result_trace_step
 * fills it.
 */
#define QL_TRACE_STEP_VERSION 1

typedef struct ql_trace_step {
    unsigned int version; /* QL_TRACE_STEP_VERSION */
    ql_step_kind kind;
    const char *name;
    const char *formula;     /* the expression text; NULL for inputs    */
    const char *description; /* NULL if none */
    const char *source;      /* the citation; NULL if none */
    ql_date from;            /* PARAM: the date the value holds from    */
    ql_date until;           /* PARAM: last day, or −1 when open-ended  */
    ql_value value;          /* CHECK: compliant (NONE: not applicable) */
} ql_trace_step;

#define QL_TRACE_STEP_INIT {QL_TRACE_STEP_VERSION}

/* Initialises *s as QL_TRACE_STEP_INIT for `version`.  QL_EINVAL for NULL
 * or an unknown version. */
QL_EXTERN ql_status ql_trace_step_init(ql_trace_step *s,
                                       unsigned int version);

/* Number of trace steps of the last evaluation (0 without QL_EVAL_TRACE). */
QL_EXTERN size_t ql_result_trace_count(const ql_result *res);
/* Step i of the trace; QL_EINVAL as ql_result_output. */
QL_EXTERN ql_status ql_result_trace_step(ql_trace_step *out,
                                         const ql_result *res, size_t i);

/*
 * The last evaluation as text for a person, the one rendering every front
 * end shows (the command's `quotalevy explain`, Python's
 * str(result.explain()), the database and Java bindings): a heading with
 * the rule set and date, every trace step in the order values were
 * settled — inputs, parameters with their period of force, computed
 * values with their formulas, checks — with descriptions and citations,
 * a list's items on one line, then every output.  The steps need an
 * evaluation with QL_EVAL_TRACE; without it only the heading and the
 * outputs are written.  UTF-8, each line ending in a newline; in a
 * value, control characters, line separators, bidirectional controls and
 * bytes that are not UTF-8 are written escaped (\n, \x1B, \u2028), so a
 * value never makes a line of its own.
 *
 * Written into buf (size bytes, NUL terminated, cut to fit at a UTF-8
 * character boundary, never inside a character); returns the
 * full length (not counting the NUL), so a caller can call again with a
 * buffer of that length + 1.  Returns 0 (and writes "") for NULL or a
 * result without a successful evaluation.
 */
QL_EXTERN size_t ql_result_explain(char *buf, size_t size,
                                   const ql_result *res);

/* ------------------------------------------------------------ rule tests */

/*
 * A rule set's own test cases, in a YAML file (what `quotalevy test`
 * runs; rules/<country>/tests/ hold the bundled ones):
 *
 *   rules: ../jilin.yaml          # relative to the test file
 *   description: …                # optional
 *   cases:
 *     - name: enterprise of 100, 2024
 *       date: 2024-06-30
 *       input: {unit_type: enterprise, employees: 100, …}  # list: [a, ~, c]
 *       expect:
 *         levy_due: 18000.00      # outputs and computed values; numbers
 *         agency_post_minimum: n/a   # compare by exact value; a check is
 *         federation_cadre_ratio: {applicable: true, shortfall: 1}  # n/a,
 *                                 # true, false or some of its fields
 *     - name: more disabled than employees
 *       date: 2024-06-30
 *       input: {…}
 *       error: {code: QL_ERECORD, field: disabled, message: substring}
 *
 * Each case that does not give what it says is a failure, reported to
 * `on_failure` (may be NULL) with the test file, the line of the value or
 * key concerned, the case's name (or "#N") and a message of at most
 * QL_TEST_MESSAGE_MAX bytes naming the expected and the actual value.
 */
#define QL_TEST_MESSAGE_MAX 1024

typedef void (*ql_test_failure_cb)(const char *file, int line,
                                   const char *case_name, const char *message,
                                   void *payload);

/*
 * Runs the test file at `path`: loads the rules it names with `opts` (NULL
 * for the defaults; any option but buffer: the extends policy, a search
 * path, a resolver, even overrides), evaluates every case and sets
 * *passed and *failed.  Returns QL_OK when the file ran, whatever its
 * cases gave.  Errors (nothing counted): QL_EIO for a test file that
 * cannot be read (or is not a regular file), QL_EPARSE for its YAML,
 * QL_ESCHEMA for a file without 'rules:' and 'cases:' or with another
 * key, the rule set's load errors (located in the rules file), QL_EINVAL
 * for a NULL passed, failed or path or opts->buffer set.
 */
QL_EXTERN ql_status ql_test_file(size_t *passed, size_t *failed,
                                 const char *path, const ql_load_options *opts,
                                 ql_test_failure_cb on_failure, void *payload,
                                 ql_error *err);

/*
 * Called by ql_test_file_ext once the rules a test file names have
 * loaded, before its first case runs: `rs` is the rule set the cases run
 * against, so a report can say which rules it tested —
 * ql_ruleset_meta(rs, "file") the file `rules:` named (its canonical
 * path), "file.2", "file.3", … the files of its `extends` chain in order,
 * "id" and "version" the rules' own.  `rs` borrows from the test run and
 * is valid only during the call.
 */
typedef void (*ql_test_loaded_cb)(const ql_ruleset *rs, void *payload);

/*
 * ql_test_file, and `on_loaded` (may be NULL) is called once with the
 * loaded rule set, before `on_failure` is called for any case; both get
 * `payload`.  It is not called when the test file or the rules fail to
 * load (the error then names the file).  Same errors as ql_test_file.
 */
QL_EXTERN ql_status ql_test_file_ext(size_t *passed, size_t *failed,
                                     const char *path,
                                     const ql_load_options *opts,
                                     ql_test_loaded_cb on_loaded,
                                     ql_test_failure_cb on_failure,
                                     void *payload, ql_error *err);

#ifdef __cplusplus
}
#endif
#endif /* QUOTALEVY_H */
