/*
 * date.h — calendar dates as days since 1970-01-01 (date.c).  Internal.
 */
#ifndef QL_DATE_H
#define QL_DATE_H

#include "quotalevy.h"

#include <stddef.h>
#include <stdint.h>

/* Day numbers of 0001-01-01 and 9999-12-31, the range of a ql_date. */
#define QLI_DAY_MIN (-719162)
#define QLI_DAY_MAX 2932896

/* Whether day number d is a date of 0001–9999 (what qli_date_ymd
 * accepts), without working out the date. */
static inline int qli_date_in_range(ql_date d)
{
    return d >= QLI_DAY_MIN && d <= QLI_DAY_MAX;
}

/* Year, month, day of a day number; −1 (and zeros) outside 0001–9999. */
int qli_date_ymd(ql_date d, int *y, int *m, int *day);
/* What is wrong with day number `day`, outside 0001-01-01 … 9999-12-31
 * (any int64: a column's cell may be past a ql_date too), and what was
 * expected, for a message: "date 2932897 (days from 1970-01-01) is after
 * 9999-12-31: expected -719162 … 2932896 (0001-01-01 … 9999-12-31)". */
void qli_date_range_why(char *buf, size_t size, int64_t day);
/* Parses YYYY-MM-DD: 0 ok, −1 syntax, −2 not a real date. */
int qli_date_parse_text(const char *s, size_t len, ql_date *out);

#endif
