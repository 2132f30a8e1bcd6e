/*
 * support.c — the planner's part: a whole-row argument becomes the row's
 * columns.
 *
 * In evaluate('cn/jilin', u, …) over a table u the record is a composite
 * datum: for every row the executor forms a whole tuple
 * (ExecEvalWholeRowVar) only for the function to take it apart again, a
 * fifth of a row's instructions.  The row forms' support function
 * (SupportRequestSimplify, asked when the planner simplifies the call)
 * rewrites such a call into the columns form: the same function with the
 * table's column names as a constant where the record was, and, after its
 * own arguments, the table, the row's ctid and every column as an argument
 * of its own, which the executor hands over from the scan as they are.
 * The ctid tells an error which row it is in, and is NULL exactly when an
 * outer join's row is, so the rewritten call is NULL where the original
 * was.  Column privileges are unaffected: they were checked for the
 * whole-row reference when the query was parsed.
 *
 * Only a plain whole-row reference to a table, materialized view or
 * partitioned table of the same query level is rewritten; a subquery's or
 * a view's row, ROW(…), a composite column and a table of more columns
 * than a call may have arguments are evaluated as they are.
 */
#include "pg_quotalevy.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "parser/parse_func.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* The columns form of a row form: quotalevy.evaluate → evaluate_columns. */
static Oid columns_function(Oid funcid)
{
    char *name = get_func_name(funcid);
    if (!name)
        return InvalidOid;
    List *qualified = list_make2(makeString("quotalevy"),
                                 makeString(psprintf("%s_columns", name)));
    return LookupFuncName(qualified, -1, NULL, true);
}

static Node *rewrite(PlannerInfo *root, const FuncExpr *f)
{
    if (!root || list_length(f->args) < 3 || !IsA(lsecond(f->args), Var))
        return NULL;
    const Var *v = lsecond(f->args);
    if (v->varattno != InvalidAttrNumber || v->varlevelsup != 0 || v->varno < 1 ||
        v->varno > list_length(root->parse->rtable))
        return NULL;
    RangeTblEntry *rte = rt_fetch(v->varno, root->parse->rtable);
    if (rte->rtekind != RTE_RELATION ||
        (rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_MATVIEW &&
         rte->relkind != RELKIND_PARTITIONED_TABLE))
        return NULL;
    Oid target = columns_function(f->funcid);
    if (!OidIsValid(target))
        return NULL;

    HeapTuple rel = SearchSysCache1(RELOID, ObjectIdGetDatum(rte->relid));
    if (!HeapTupleIsValid(rel))
        return NULL;
    int natts = ((Form_pg_class)GETSTRUCT(rel))->relnatts, n = 0;
    ReleaseSysCache(rel);
    Datum *names = palloc(sizeof(Datum) * (natts + 1));
    List *cols = NIL;
    for (int a = 1; a <= natts; a++) {
        HeapTuple tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(rte->relid),
                                       Int16GetDatum(a));
        if (!HeapTupleIsValid(tp))
            continue;
        Form_pg_attribute att = (Form_pg_attribute)GETSTRUCT(tp);
        if (!att->attisdropped) {
            names[n++] = CStringGetTextDatum(NameStr(att->attname));
            cols = lappend(cols, makeVar(v->varno, (AttrNumber)a, att->atttypid,
                                         att->atttypmod, att->attcollation, 0));
        }
        ReleaseSysCache(tp);
    }
    if (n == 0 || list_length(f->args) + 2 + n > FUNC_MAX_ARGS)
        return NULL;

    List *args = list_copy(f->args);
    lfirst(list_nth_cell(args, 1)) =
        makeConst(TEXTARRAYOID, -1, InvalidOid, -1,
                  PointerGetDatum(construct_array(names, n, TEXTOID, -1, false,
                                                  TYPALIGN_INT)),
                  false, false);
    args = lappend(args, makeConst(REGCLASSOID, -1, InvalidOid, sizeof(Oid),
                                   ObjectIdGetDatum(rte->relid), false, true));
    args = lappend(args, makeVar(v->varno, SelfItemPointerAttributeNumber, TIDOID,
                                 -1, InvalidOid, 0));
    args = list_concat(args, cols);
    FuncExpr *g = makeFuncExpr(target, f->funcresulttype, args, f->funccollid,
                               f->inputcollid, COERCE_EXPLICIT_CALL);
    g->location = f->location;
    return (Node *)g;
}

PG_FUNCTION_INFO_V1(qlpg_row_support);
Datum qlpg_row_support(PG_FUNCTION_ARGS)
{
    Node *req = (Node *)PG_GETARG_POINTER(0);
    if (!IsA(req, SupportRequestSimplify))
        PG_RETURN_POINTER(NULL);
    SupportRequestSimplify *r = (SupportRequestSimplify *)req;
    PG_RETURN_POINTER(rewrite(r->root, r->fcall));
}
