/*
 * date.h — calendar dates as days since 1970-01-01 (date.c).  Internal.
 */
#ifndef QL_DATE_H
#define QL_DATE_H

#include "quotalevy.h"

/* Year, month, day of a day number; −1 (and zeros) outside 0001–9999. */
int qli_date_ymd(ql_date d, int *y, int *m, int *day);
/* Parses YYYY-MM-DD: 0 ok, −1 syntax, −2 not a real date. */
int qli_date_parse_text(const char *s, size_t len, ql_date *out);

#endif
