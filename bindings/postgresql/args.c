/*
 * args.c — a call's own arguments: a NULL where the call needs a value is
 * refused by name (SQLSTATE 22004, null_value_not_allowed), never taken
 * as "nothing to do".
 *
 * A STRICT function answers a NULL argument with NULL, or with no rows:
 * quotalevy.inputs(NULL) listed nothing and check_rules(name, NULL) said
 * "compiles", which a caller cannot tell from an answer.  So no function
 * of the extension is STRICT (1.4), and each refuses the NULLs it cannot
 * give a meaning to here, with the argument's name as the catalog has it
 * and the whole signature, so that the message reads the same in every
 * function.  The NULLs that do mean something (on_date: the record's own
 * date; overrides: none; shape: only its type is read; …) are listed in
 * docs/postgresql.md, "NULL arguments", and the tests walk pg_proc so that
 * no function and no argument escapes one or the other.
 */
#include "pg_quotalevy.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

void qlpg_null_arg(FunctionCallInfo fcinfo, int arg, const char *takes)
{
    Oid fn = fcinfo->flinfo ? fcinfo->flinfo->fn_oid : InvalidOid;
    char *fname = OidIsValid(fn) ? get_func_name(fn) : NULL;
    char *argname = NULL;
    HeapTuple tp =
        OidIsValid(fn) ? SearchSysCache1(PROCOID, ObjectIdGetDatum(fn)) : NULL;
    if (HeapTupleIsValid(tp)) {
        Oid *types;
        char **names, *modes;
        int n = get_func_arg_info(tp, &types, &names, &modes);
        if (names && arg < n && names[arg] && names[arg][0])
            argname = pstrdup(names[arg]);
        ReleaseSysCache(tp);
    }
    if (!argname)
        argname = psprintf("%d", arg + 1);
    char *signature =
        OidIsValid(fn)
            ? TextDatumGetCString(DirectFunctionCall1(
                  pg_get_function_identity_arguments, ObjectIdGetDatum(fn)))
            : NULL;
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                    qlpg_errmsg("quotalevy.%s: argument \"%s\" is NULL",
                                fname ? fname : "?", argname),
                    signature ? qlpg_errdetail("It takes quotalevy.%s(%s).",
                                               fname, signature)
                              : 0,
                    qlpg_errhint("\"%s\" is %s.", argname, takes)));
    pg_unreachable();
}
