/*
 * date.c — calendar dates as day numbers since 1970-01-01, proleptic
 * Gregorian (the civil-from-days algorithm of H. Hinnant).  Rule sets
 * compare dates as plain integers.
 */
#include "util.h"
#include "date.h"
#include "snippet.h"

#include <stdio.h>
#include <string.h>

static ql_date days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}


int qli_date_ymd(ql_date z, int *y, int *m, int *d)
{
    if (!qli_date_in_range(z)) { /* also keeps the sums below in int */
        *y = *m = *d = 0;
        return -1;
    }
    int zz = z + 719468;
    int era = zz / 146097;
    int doe = zz - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
    return 0;
}

void qli_date_range_why(char *buf, size_t size, int64_t day)
{
    snprintf(buf, size,
             "date %lld (days from 1970-01-01) is %s: expected %d … %d "
             "(0001-01-01 … 9999-12-31)",
             (long long)day,
             day < QLI_DAY_MIN ? "before 0001-01-01" : "after 9999-12-31",
             QLI_DAY_MIN, QLI_DAY_MAX);
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

ql_status ql_date_from_ymd(ql_date *out, int y, int m, int d)
{
    if (!out)
        return QL_EINVAL;
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(y, m))
        return QL_ERANGE;
    *out = days_from_civil(y, m, d);
    return QL_OK;
}

int qli_date_parse_text(const char *s, size_t len, ql_date *out)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = {0, 0, 0}, idx[3][2] = {{0, 4}, {5, 7}, {8, 10}};
    for (int k = 0; k < 3; k++)
        for (int i = idx[k][0]; i < idx[k][1]; i++) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    return ql_date_from_ymd(out, v[0], v[1], v[2]) == QL_OK ? 0 : -2;
}

ql_status ql_date_parse(ql_date *out, const char *text, size_t len,
                        ql_error *err)
{
    if (!out || !text)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    int r = qli_date_parse_text(text, len, out);
    if (r == -1)
        return qli_fail(err, QL_EPARSE, NULL, 0, 0,
                       "%s is not a date (expected YYYY-MM-DD)",
                       QLI_QUOTE_N(text, len));
    if (r == -2)
        return qli_fail(err, QL_EPARSE, NULL, 0, 0,
                       "%s is not a real calendar date", QLI_QUOTE_N(text, len));
    return QL_OK;
}

size_t ql_date_format(char *buf, size_t size, ql_date d)
{
    int y, m, dd;
    if (qli_date_ymd(d, &y, &m, &dd))
        return qli_text_out("", 0, buf, size);
    /* by hand, not snprintf: two dates a row of `run` spent more than
     * the rest of the row's formatting in the format parser */
    char tmp[10];
    if (y < 1 || y > 9999)
        return qli_text_out("", 0, buf, size);
    tmp[0] = (char)('0' + y / 1000);
    tmp[1] = (char)('0' + y / 100 % 10);
    tmp[2] = (char)('0' + y / 10 % 10);
    tmp[3] = (char)('0' + y % 10);
    tmp[4] = '-';
    tmp[5] = (char)('0' + m / 10);
    tmp[6] = (char)('0' + m % 10);
    tmp[7] = '-';
    tmp[8] = (char)('0' + dd / 10);
    tmp[9] = (char)('0' + dd % 10);
    if (buf && size > sizeof tmp) { /* room for all: no cutting to check */
        memcpy(buf, tmp, sizeof tmp);
        buf[sizeof tmp] = '\0';
        return sizeof tmp;
    }
    return qli_text_out(tmp, sizeof tmp, buf, size);
}
