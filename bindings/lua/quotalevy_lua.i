/*
 * quotalevy_lua.i — the Lua 5.4 side of the SWIG interface.
 *
 * SWIG generates the C module `quotalevy.core` from ../quotalevy.i; the
 * module Lua programs require, `quotalevy` (quotalevy.lua), is written in
 * Lua on top of it.  What this file adds is only what is Lua's:
 *
 *   - an error is raised as a Lua error whose value is a table with
 *     status, message, file, line, column, field and text, and the
 *     metatable quotalevy.Error (tostring gives the text), so
 *     `local ok, e = pcall(...)` gets at each part;
 *   - bytes cross as Lua strings, which hold NULs: the batch's packed
 *     records in, its packed results out;
 *   - ql_status returns push nothing (a failure has raised);
 *   - lifetimes: a C record, result or batch borrows from its rule set,
 *     and a result, once it has evaluated a record, from that record, so
 *     each userdata keeps what it borrows from alive (its first user
 *     value) and counts what borrows from it (its second).  The collector
 *     then frees a borrower before what it borrows from, whatever order
 *     a program drops them in; an explicit ql_*_free of an object that
 *     something still borrows from raises, freeing twice does nothing,
 *     and a freed handle raises when used (its pointer is cleared).
 */
%module quotalevy_core

%begin %{
/* SWIG makes every object with lua_newuserdata, which gives one user
 * value: two are wanted (see "lifetimes" above).  lua.h has a guard, so
 * SWIG's own #include of it below defines nothing again. */
#include "lua.h"
#undef lua_newuserdata
#define lua_newuserdata(L, s) lua_newuserdatauv((L), (s), 2)
%}

%{
#include "lua.h"
#include "lauxlib.h"
#include <stdio.h>
#include <string.h>
#include "quotalevy.h"

#define QL_LUA_ERROR "quotalevy.Error"

static int ql_lua_error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "text");
    if (!lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, 1, "message");
    }
    return 1;
}

/* Pushes the error metatable, made on first use. */
static void ql_lua_error_mt(lua_State *L)
{
    if (luaL_newmetatable(L, QL_LUA_ERROR)) {
        lua_pushcfunction(L, ql_lua_error_tostring);
        lua_setfield(L, -2, "__tostring");
    }
}

static int ql_lua_error_metatable(lua_State *L)
{
    ql_lua_error_mt(L);
    return 1;
}

static void ql_lua_set(lua_State *L, const char *key, const char *value)
{
    if (value && *value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

/* Pushes the error object of a filled ql_error. */
static void ql_lua_push_error(lua_State *L, const ql_error *e)
{
    char text[QL_ERROR_FILE_MAX + QL_ERROR_FIELD_MAX + QL_ERROR_MESSAGE_MAX + 64];
    ql_error_format(text, sizeof text, e);
    lua_createtable(L, 0, 8);
    ql_lua_set(L, "status", ql_status_name(e->code));
    ql_lua_set(L, "message", e->message);
    ql_lua_set(L, "file", e->file);
    if (e->line) {
        lua_pushinteger(L, e->line);
        lua_setfield(L, -2, "line");
    }
    if (e->column) {
        lua_pushinteger(L, e->column);
        lua_setfield(L, -2, "column");
    }
    ql_lua_set(L, "field", e->field);
    ql_lua_set(L, "text", text);
    ql_lua_error_mt(L);
    lua_setmetatable(L, -2);
}

#define QL_SWIG_RAISE(e) do { ql_lua_push_error(L, (e)); SWIG_fail; } while (0)

/* Raises QL_EINVAL with message. */
static int ql_lua_refuse(lua_State *L, const char *message)
{
    ql_error e;
    ql_error_clear(&e);
    e.code = QL_EINVAL;
    snprintf(e.message, sizeof e.message, "%s", message);
    ql_lua_push_error(L, &e);
    return lua_error(L);
}

/* How many objects borrow from the one at idx (its second user value). */
static lua_Integer ql_lua_borrowers(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 2);
    lua_Integer n = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return n;
}

static void ql_lua_add_borrowers(lua_State *L, int idx, lua_Integer d)
{
    idx = lua_absindex(L, idx);
    lua_pushinteger(L, ql_lua_borrowers(L, idx) + d);
    lua_setiuservalue(L, idx, 2);
}

/* Makes the object at obj borrow from the one at from (0: from nothing),
 * giving up what it borrowed from before. */
static void ql_lua_borrow(lua_State *L, int obj, int from)
{
    obj = lua_absindex(L, obj);
    from = from ? lua_absindex(L, from) : 0;
    if (lua_getiuservalue(L, obj, 1) == LUA_TUSERDATA)
        ql_lua_add_borrowers(L, -1, -1);
    lua_pop(L, 1);
    if (from) {
        ql_lua_add_borrowers(L, from, 1);
        lua_pushvalue(L, from);
    } else {
        lua_pushnil(L);
    }
    lua_setiuservalue(L, obj, 1);
}

/* Frees the C object of the handle at 1 (of type t) and clears the
 * handle; refused while anything borrows from it. */
static int ql_lua_free(lua_State *L, swig_type_info *t)
{
    swig_lua_userdata *usr = (swig_lua_userdata *)lua_touserdata(L, 1);
    if (!usr || lua_islightuserdata(L, 1) || usr->type != t)
        return luaL_argerror(L, 1, t->str);
    if (!usr->ptr)
        return 0; /* freed already */
    lua_Integer n = ql_lua_borrowers(L, 1);
    if (n > 0) {
        char m[128];
        snprintf(m, sizeof m, "%lld records, results or batches still use it: "
                 "free them first", (long long)n);
        return ql_lua_refuse(L, m);
    }
    ql_lua_borrow(L, 1, 0);
    swig_lua_class *c = (swig_lua_class *)t->clientdata;
    if (usr->own && c && c->destructor)
        c->destructor(usr->ptr);
    usr->ptr = NULL;
    usr->own = 0;
    return 0;
}

/* __gc of every handle: gives up what it borrows from, then SWIG's
 * destructor.  Objects dropped together are finalized newest first, so
 * a borrower (made after what it borrows from) goes first. */
static int ql_lua_gc(lua_State *L)
{
    swig_lua_userdata *usr = (swig_lua_userdata *)lua_touserdata(L, 1);
    ql_lua_borrow(L, 1, 0);
    lua_settop(L, 1);
    SWIG_Lua_class_destruct(L);
    usr->ptr = NULL;
    usr->own = 0;
    return 0;
}

static int ql_lua_ruleset_free(lua_State *L)
{
    return ql_lua_free(L, SWIGTYPE_p_ql_ruleset);
}
static int ql_lua_record_free(lua_State *L)
{
    return ql_lua_free(L, SWIGTYPE_p_ql_record);
}
static int ql_lua_result_free(lua_State *L)
{
    return ql_lua_free(L, SWIGTYPE_p_ql_result);
}
static int ql_lua_batch_free(lua_State *L)
{
    return ql_lua_free(L, SWIGTYPE_p_ql_swig_batch);
}
%}

%init %{
    {
        swig_type_info *types[] = {SWIGTYPE_p_ql_ruleset, SWIGTYPE_p_ql_record,
                                   SWIGTYPE_p_ql_result,
                                   SWIGTYPE_p_ql_swig_batch};
        for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
            swig_lua_class *c = (swig_lua_class *)types[i]->clientdata;
            SWIG_Lua_get_class_metatable(L, c->fqname);
            lua_pushcfunction(L, ql_lua_gc);
            lua_setfield(L, -2, "__gc");
            lua_pop(L, 1);
        }
    }
%}

/* The explicit frees (quotalevy.lua's close uses them). */
%ignore ql_ruleset_free(ql_ruleset *);
%ignore ql_record_free(ql_record *);
%ignore ql_result_free(ql_result *);
%ignore ql_swig_batch_free(ql_swig_batch *);
%native(ql_ruleset_free) int ql_lua_ruleset_free(lua_State *L);
%native(ql_record_free) int ql_lua_record_free(lua_State *L);
%native(ql_result_free) int ql_lua_result_free(lua_State *L);
%native(ql_swig_batch_free) int ql_lua_batch_free(lua_State *L);

/* A handle explicitly freed has a NULL pointer: using it raises. */
%typemap(check) SWIGTYPE *self, const SWIGTYPE *self {
    if (!$1)
        ql_lua_refuse(L, "this handle has been freed");
}

/* A record, result or batch borrows from the rule set it is made from
 * (the new object is on the top of the stack; nil if none was made). */
%typemap(argout) const ql_ruleset *rs {
    if (lua_isuserdata(L, -1))
        ql_lua_borrow(L, -1, $input);
}

/* A result that has evaluated a record borrows from it (ql_result_output
 * and the trace read its fields), and lets go of what it borrowed
 * before; the result is argument 1. */
%typemap(argout) const ql_record *rec {
    if (ql_result_status(arg1) == QL_OK)
        ql_lua_borrow(L, 1, $input);
}

%native(error_metatable) int ql_lua_error_metatable(lua_State *L);

/* A C string in: a Lua string holding a NUL is refused, never read cut
 * short at it (a path "jilin.yaml\0x" would load jilin.yaml, a field
 * name "employees\0x" would set employees). */
%typemap(in, checkfn="SWIG_lua_isnilstring") const char * (size_t len) {
    $1 = ($ltype)lua_tolstring(L, $input, &len);
    if ($1 && memchr($1, '\0', len)) {
        ql_error e;
        ql_error_clear(&e);
        e.code = QL_EINVAL;
        snprintf(e.message, sizeof e.message,
                 "argument %d holds a NUL character", $argnum);
        QL_SWIG_RAISE(&e);
    }
}

/* Bytes in: a Lua string, NULs and all. */
%typemap(in) (const char *data, size_t len) {
    $1 = (char *)luaL_checklstring(L, $input, &$2);
}

/* Bytes out: a Lua string from the malloc'd buffer, which is freed. */
%typemap(out) ql_swig_bytes {
    if (!$1.data) {
        lua_pushstring(L, "quotalevy: out of memory in a batch");
        SWIG_fail;
    }
    lua_pushlstring(L, $1.data, $1.len);
    free($1.data);
    SWIG_arg++;
}

/* A status pushes nothing: a failure has raised. */
%typemap(out) ql_status ""

%include "../quotalevy.i"
