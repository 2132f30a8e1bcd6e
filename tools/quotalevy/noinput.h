/*
 * noinput.h — a header, row or record none of whose names is an input
 * of the rules (probe5 P5-07): evaluated, every value would be the
 * inputs' defaults alone — Japan's levy 0 for every employer, from a
 * file without its header line, headers in another language, `{}` or
 * only an id.  The decision and its message, one for every front end:
 * the command (columns.c), Java and Lua (bindings/swig_batch.h), Python
 * (its batches and records, through the binding) and PostgreSQL (jsonb
 * records, row types).  Which names gave an input its value is each
 * front end's own reading; what follows when none did is decided here.
 * Linked hidden with the near-miss rule (tools/meson.build).
 */
#ifndef QL_NOINPUT_H
#define QL_NOINPUT_H

#include <stddef.h>

#include "quotalevy.h"

/* Of the names given, at most this many other than `id` and `date` are
 * shown, each cut to about NOINPUT_NAME_BYTES bytes (a whole character,
 * then "…"); a caller may pass only the first NOINPUT_NAMES_READ names,
 * since no later one is ever read. */
#define NOINPUT_NAMES_SHOWN 4
#define NOINPUT_NAMES_READ (NOINPUT_NAMES_SHOWN + 3)
#define NOINPUT_NAME_BYTES 60

/* Whether a header, row or record that gave `given` of rs's inputs a
 * value is refused: rs has inputs and none of them was given. */
int noinput_refuses(const ql_ruleset *rs, size_t given);

/* The refusal's message into buf (size bytes with the NUL, cut at a whole
 * character), for instance
 *
 *   no key is an input of the rule set 'jp-levy' (the record has only
 *   'id'; the rules read exclusion_rate, industry, full_time[1], …): it
 *   would be evaluated on the inputs' defaults alone
 *
 * table: the names are a table's columns ("no column", "every row
 * would"), else a record's keys ("no key", "it would"); holder says whose
 * they are ("the header", "the row", "the batch", "the record");
 * names[0 … n) the names given, `id` and `date` among them.  A front end
 * adds its own advice after it (its knob to evaluate on the defaults
 * knowingly).  Returns buf. */
char *noinput_message(char *buf, size_t size, const ql_ruleset *rs, int table,
                      const char *holder, const char *const *names, size_t n);

#endif
