/*
 * list_inputs.h — a rule set's list inputs, walked over the public API
 * by the bindings' C parts (the Python binding's convert.h, the
 * PostgreSQL extension's keys.c).
 *
 * A list input of n items is declared as the inputs NAME[1] … NAME[n],
 * one after another (ql_ruleset_input_name); nothing in the public API
 * names the list itself, so each binding that checks a record's keys or
 * columns against the lists (a list given in part, a key past its last
 * item, a near miss of its bare name) finds them this way — written here
 * once, so that they all find the same lists.
 */
#ifndef QL_LIST_INPUTS_H
#define QL_LIST_INPUTS_H

#include <stddef.h>
#include <string.h>

#include <quotalevy.h>

/* Calls f(arg, first, size) on each list input of rs — its items are the
 * inputs first … first + size − 1 — until f returns nonzero, and returns
 * that (0 when every call returned 0). */
static inline int qlb_each_list(const ql_ruleset *rs,
                                int (*f)(void *arg, size_t first, size_t size),
                                void *arg)
{
    size_t ni = ql_ruleset_input_count(rs);
    for (size_t i = 0; i < ni; i++) {
        const char *name = ql_ruleset_input_name(rs, i);
        const char *br = strchr(name, '[');
        if (!br || br == name || strcmp(br, "[1]"))
            continue;
        size_t bl = (size_t)(br - name), size = 1;
        while (i + size < ni &&
               !strncmp(ql_ruleset_input_name(rs, i + size), name, bl + 1))
            size++;
        int r = f(arg, i, size);
        if (r)
            return r;
        i += size - 1;
    }
    return 0;
}

#endif
