/*
 * ruleset.c — reading a loaded rule set: metadata, inputs, outputs,
 * checks and parameter values by date.  Loading itself is rules.c; a rule
 * set is never changed after it, which is what makes it shareable.
 */
#include "util.h"
#include "date.h"
#include "value.h"
#include "ruleset.h"
#include "names.h"

#include <stdlib.h>
#include <string.h>

void ql_ruleset_free(ql_ruleset *rs)
{
    if (!rs)
        return;
    ql_arena a = rs->arena; /* the rule set lives in its own arena */
    qli_ar_free(&a);
}

const char *ql_ruleset_meta(const ql_ruleset *rs, const char *key)
{
    if (!rs || !key)
        return NULL;
    if (!strcmp(key, "id")) return rs->id;
    if (!strcmp(key, "title")) return rs->title;
    if (!strcmp(key, "jurisdiction")) return rs->jurisdiction;
    if (!strcmp(key, "version")) return rs->version;
    if (!strcmp(key, "description")) return rs->description;
    if (!strcmp(key, "file")) return rs->file;
    if (!strcmp(key, "currency")) return rs->currency;
    if (!strncmp(key, "file.", 5) && key[5] >= '1' && key[5] <= '9') {
        char *end;
        long i = strtol(key + 5, &end, 10);
        return !*end && i >= 1 && i <= rs->nread ? rs->read[i - 1] : NULL;
    }
    return NULL;
}

size_t ql_ruleset_input_count(const ql_ruleset *rs) { return rs ? rs->n_inputs : 0; }

const char *ql_ruleset_input_name(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_inputs ? rs->inputs[i].name : NULL;
}

const char *ql_ruleset_input_type(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_inputs ? rs->inputs[i].type_word : NULL;
}

const char *ql_ruleset_input_enum(const ql_ruleset *rs, size_t i, size_t k)
{
    if (!rs || i >= rs->n_inputs || rs->inputs[i].type.kind != VK_ENUM ||
        k >= rs->inputs[i].en.n)
        return NULL;
    return rs->inputs[i].en.values[k];
}

int ql_ruleset_input_scale(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_inputs ? rs->inputs[i].scale : -1;
}

const char *ql_ruleset_input_description(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_inputs ? rs->inputs[i].description : NULL;
}

static const char *input_name(const void *rs, size_t i)
{
    return ((const ql_ruleset *)rs)->inputs[i].name;
}

int ql_ruleset_input_index(const ql_ruleset *rs, const char *name)
{
    if (!rs || !name)
        return -1;
    if (rs->input_index.slot) /* by name in one lookup (names.c) */
        return (int)qli_names_find(&rs->input_index, name, strlen(name),
                                   input_name, rs);
    for (size_t i = 0; i < rs->n_inputs; i++)
        if (strcmp(rs->inputs[i].name, name) == 0)
            return (int)i;
    return -1;
}

size_t ql_ruleset_output_count(const ql_ruleset *rs) { return rs ? rs->n_outputs : 0; }

const char *ql_ruleset_output_name(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_outputs ? rs->outputs[i].name : NULL;
}

ql_type ql_ruleset_output_type(const ql_ruleset *rs, size_t i)
{
    if (!rs || i >= rs->n_outputs)
        return QL_TYPE_NONE;
    const output_def *o = &rs->outputs[i];
    vtype t = o->kind == OUT_COMPUTED ? rs->computed[o->index].type
              : o->kind == OUT_INPUT  ? rs->inputs[o->index].type
                                      : (vtype){VK_BOOL, NULL};
    return qli_vtype_public(t);
}

int ql_ruleset_output_index(const ql_ruleset *rs, const char *name)
{
    if (!rs || !name)
        return -1;
    for (size_t i = 0; i < rs->n_outputs; i++)
        if (strcmp(rs->outputs[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *ql_ruleset_currency(const ql_ruleset *rs)
{
    return rs ? rs->currency : NULL;
}

int ql_ruleset_currency_places(const ql_ruleset *rs)
{
    return rs && rs->currency ? rs->minor : -1;
}

int ql_ruleset_output_scale(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_outputs ? rs->outputs[i].disp.scale : -1;
}

int ql_ruleset_output_is_money(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_outputs && rs->outputs[i].money;
}

ql_aggregate ql_ruleset_output_aggregate(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_outputs ? (ql_aggregate)rs->outputs[i].agg
                                   : QL_AGG_NONE;
}

ql_aggregate ql_ruleset_check_aggregate(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_checks && rs->checks[i].agg > 0
               ? (ql_aggregate)rs->checks[i].agg
               : QL_AGG_NONE;
}

int ql_ruleset_check_scale(const ql_ruleset *rs, size_t i, ql_check_field f)
{
    if (!rs || i >= rs->n_checks || f < QL_CHECK_REQUIRED ||
        f > QL_CHECK_SHORTFALL)
        return -1;
    return rs->checks[i].disp[f - QL_CHECK_REQUIRED].scale;
}

int ql_ruleset_check_index(const ql_ruleset *rs, const char *name)
{
    if (!rs || !name)
        return -1;
    for (size_t i = 0; i < rs->n_checks; i++)
        if (strcmp(rs->checks[i].name, name) == 0)
            return (int)i;
    return -1;
}

int ql_ruleset_output_is_check(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_outputs && rs->outputs[i].kind == OUT_CHECK;
}

size_t ql_ruleset_check_count(const ql_ruleset *rs) { return rs ? rs->n_checks : 0; }

const char *ql_ruleset_check_name(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_checks ? rs->checks[i].name : NULL;
}

const char *ql_ruleset_check_title(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_checks ? rs->checks[i].title : NULL;
}

const char *ql_ruleset_check_source(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_checks ? rs->checks[i].source : NULL;
}

size_t ql_ruleset_param_count(const ql_ruleset *rs) { return rs ? rs->n_params : 0; }

const char *ql_ruleset_param_name(const ql_ruleset *rs, size_t i)
{
    return rs && i < rs->n_params ? rs->params[i].name : NULL;
}

ql_param_unit ql_ruleset_param_unit(const ql_ruleset *rs, size_t i)
{
    if (!rs || i >= rs->n_params)
        return QL_PARAM_NOT_NUMBER;
    const param_def *d = &rs->params[i];
    if (d->type.kind != VK_NUMBER)
        return QL_PARAM_NOT_NUMBER;
    if (d->percent)
        return QL_PARAM_PERCENT;
    if (d->type.money)
        return QL_PARAM_MONEY;
    return d->integer ? QL_PARAM_INTEGER : QL_PARAM_NUMBER;
}

ql_status ql_ruleset_param_value(ql_value *value, ql_date *from,
                                 const char **source, const ql_ruleset *rs,
                                 size_t i, ql_date date, ql_error *err)
{
    int y, m, dd;
    if (!rs || !value || value->version != QL_VALUE_VERSION ||
        i >= rs->n_params || qli_date_ymd(date, &y, &m, &dd))
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "bad argument: a NULL handle or value, a value not "
                       "set up with QL_VALUE_INIT, a parameter index out "
                       "of range, or a date outside 0001-01-01 … "
                       "9999-12-31");
    const param_def *d = &rs->params[i];
    int k = qli_param_index_at(d, date);
    if (k < 0) {
        char when[16];
        ql_date_format(when, sizeof when, date);
        return qli_fail(err, QL_ENODATA, NULL, 0, 0,
                       "parameter '%s' has no value in force on %s", d->name,
                       when);
    }
    const param_value *pv = &d->values[k];
    qli_value_none(value);
    if (d->type.kind == VK_TABLE) {
        value->type = QL_TYPE_TABLE;
        value->string = pv->text;
        value->length = strlen(pv->text);
    } else {
        qli_qval_to_public(&pv->v, d->type, value);
    }
    if (from)
        *from = pv->from;
    if (source)
        *source = pv->source;
    return QL_OK;
}
