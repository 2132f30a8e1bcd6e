/*
 * module.c — the extension module: its magic, its start, and how a library
 * error becomes a PostgreSQL error (an SQLSTATE a program can test, the
 * library's message, the field and the rules-file location in DETAIL).
 */
#include "pg_quotalevy.h"

#include "utils/elog.h"

PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void)
{
    qlpg_cache_init();
}

int qlpg_sqlstate(ql_status st)
{
    switch (st) {
    case QL_EINVAL: return ERRCODE_INVALID_PARAMETER_VALUE;
    case QL_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
    case QL_EIO: return ERRCODE_UNDEFINED_OBJECT; /* an unknown rule file */
    case QL_EPARSE: return ERRCODE_SYNTAX_ERROR;
    case QL_ESCHEMA: return ERRCODE_INVALID_OBJECT_DEFINITION;
    case QL_ETYPE: return ERRCODE_DATATYPE_MISMATCH;
    case QL_ENAME: return ERRCODE_UNDEFINED_OBJECT;
    case QL_ERANGE: return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
    case QL_ERECORD: return ERRCODE_INVALID_PARAMETER_VALUE;
    case QL_ENODATA: return ERRCODE_NO_DATA_FOUND;
    case QL_ELIMIT: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
    default: return ERRCODE_INTERNAL_ERROR;
    }
}

void qlpg_raise(ql_status st, const ql_error *err, const char *what)
{
    char where[QL_ERROR_FILE_MAX + 64] = "";
    if (err && err->file[0]) {
        if (err->line)
            snprintf(where, sizeof where, "%s:%d:%d", err->file, err->line,
                     err->column);
        else
            snprintf(where, sizeof where, "%s", err->file);
    }
    const char *field = err && err->field[0] ? err->field : NULL;
    ereport(ERROR,
            (errcode(qlpg_sqlstate(st)),
             errmsg("%s: %s", what, err && err->message[0] ? err->message
                                                            : ql_status_name(st)),
             field && where[0]
                 ? errdetail("status %s, field \"%s\", at %s", ql_status_name(st),
                             field, where)
             : field ? errdetail("status %s, field \"%s\"", ql_status_name(st), field)
             : where[0] ? errdetail("status %s, at %s", ql_status_name(st), where)
                        : errdetail("status %s", ql_status_name(st))));
    pg_unreachable();
}
